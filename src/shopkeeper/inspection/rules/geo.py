"""A compact address reference: Chinese province → city (→ district), US state ↔ ZIP / city.

Only what is listed is judged: a city, district or ZIP that is not in the reference is *unknown*
and never makes an address "inconsistent". Chinese cities are every prefecture-level division
(and the county-level cities governed directly by a province); district lists are complete for the
municipalities, the provincial capitals and the other large cities, including names abolished
recently (下城区, 江干区...) that buyers still write. US ZIP codes map to states by their first three
digits (USPS ranges); big-city names map to every state that has a well-known city of that name.

>>> cn_city_province("杭州市"), cn_city_province("延边朝鲜族自治州"), cn_province("广西壮族自治区")
('浙江', '吉林', '广西')
>>> cn_district_ok("北京市", "海淀区"), cn_district_ok("杭州市", "金水区"), cn_district_ok("杭州市", "某新区")
(True, False, None)
>>> us_state("California"), us_zip_state("94103"), us_zip_state("60601-1234"), "OR" in us_city_states("Portland")
('CA', 'CA', 'IL', True)
"""

from __future__ import annotations

import re

_CN_CITIES = """
北京:北京|天津:天津|上海:上海|重庆:重庆|香港:香港|澳门:澳门
河北:石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 辛集 定州
山西:太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
内蒙古:呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安盟 锡林郭勒盟 阿拉善盟
辽宁:沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
吉林:长春 吉林 四平 辽源 通化 白山 松原 白城 延边朝鲜族自治州
黑龙江:哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭地区
江苏:南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
浙江:杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌
安徽:合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建:福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
江西:南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
山东:济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 莱芜
河南:郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源
湖北:武汉 黄石 十堰 宜昌 襄阳 襄樊 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施土家族苗族自治州 仙桃 潜江 天门 神农架林区
湖南:长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西土家族苗族自治州
广东:广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
广西:南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南:海口 三亚 三沙 儋州 五指山 琼海 文昌 万宁 东方
四川:成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州
贵州:贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南布依族苗族自治州 黔东南苗族侗族自治州 黔南布依族苗族自治州
云南:昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄彝族自治州 红河哈尼族彝族自治州 文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 怒江傈僳族自治州 迪庆藏族自治州
西藏:拉萨 日喀则 昌都 林芝 山南 那曲 阿里地区
陕西:西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
甘肃:兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏回族自治州 甘南藏族自治州
青海:西宁 海东 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 玉树藏族自治州 海西蒙古族藏族自治州
宁夏:银川 石嘴山 吴忠 固原 中卫
新疆:乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉回族自治州 博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 阿克苏地区 克孜勒苏柯尔克孜自治州 喀什地区 和田地区 伊犁哈萨克自治州 塔城地区 阿勒泰地区 石河子 阿拉尔 图木舒克 五家渠 北屯 铁门关 双河 可克达拉 昆玉 胡杨河
台湾:台北 新北 桃园 台中 台南 高雄 基隆 新竹 嘉义
"""

_CN_DISTRICTS = """
北京:东城区 西城区 朝阳区 丰台区 石景山区 海淀区 门头沟区 房山区 通州区 顺义区 昌平区 大兴区 怀柔区 平谷区 密云区 延庆区 崇文区 宣武区 密云县 延庆县
上海:黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 浦东新区 金山区 松江区 青浦区 奉贤区 崇明区 闸北区 卢湾区 南汇区 崇明县
天津:和平区 河东区 河西区 南开区 河北区 红桥区 东丽区 西青区 津南区 北辰区 武清区 宝坻区 滨海新区 宁河区 静海区 蓟州区 塘沽区 汉沽区 大港区 蓟县 宁河县 静海县
重庆:万州区 涪陵区 渝中区 大渡口区 江北区 沙坪坝区 九龙坡区 南岸区 北碚区 綦江区 大足区 渝北区 巴南区 黔江区 长寿区 江津区 合川区 永川区 南川区 璧山区 铜梁区 潼南区 荣昌区 开州区 梁平区 武隆区 城口县 丰都县 垫江县 忠县 云阳县 奉节县 巫山县 巫溪县 石柱土家族自治县 秀山土家族苗族自治县 酉阳土家族苗族自治县 彭水苗族土家族自治县 开县 梁平县 武隆县 万盛区 双桥区 两江新区
广州:荔湾区 越秀区 海珠区 天河区 白云区 黄埔区 番禺区 花都区 南沙区 从化区 增城区 萝岗区
深圳:罗湖区 福田区 南山区 宝安区 龙岗区 盐田区 龙华区 坪山区 光明区 大鹏新区 光明新区 龙华新区
佛山:禅城区 南海区 顺德区 三水区 高明区
杭州:上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 临安区 桐庐县 淳安县 建德市 下城区 江干区
宁波:海曙区 江北区 北仑区 镇海区 鄞州区 奉化区 象山县 宁海县 余姚市 慈溪市 江东区
温州:鹿城区 龙湾区 瓯海区 洞头区 永嘉县 平阳县 苍南县 文成县 泰顺县 瑞安市 乐清市 龙港市
南京:玄武区 秦淮区 建邺区 鼓楼区 浦口区 栖霞区 雨花台区 江宁区 六合区 溧水区 高淳区 白下区 下关区
苏州:姑苏区 虎丘区 吴中区 相城区 吴江区 常熟市 张家港市 昆山市 太仓市 苏州工业园区 工业园区 沧浪区 平江区 金阊区
无锡:梁溪区 锡山区 惠山区 滨湖区 新吴区 江阴市 宜兴市 崇安区 南长区 北塘区
成都:锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 青白江区 新都区 温江区 双流区 郫都区 新津区 金堂县 大邑县 蒲江县 都江堰市 彭州市 邛崃市 崇州市 简阳市 高新区 天府新区 双流县 郫县 新津县
武汉:江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 汉南区 蔡甸区 江夏区 黄陂区 新洲区
长沙:芙蓉区 天心区 岳麓区 开福区 雨花区 望城区 长沙县 浏阳市 宁乡市 宁乡县
厦门:思明区 海沧区 湖里区 集美区 同安区 翔安区
福州:鼓楼区 台江区 仓山区 马尾区 晋安区 长乐区 闽侯县 连江县 罗源县 闽清县 永泰县 平潭县 福清市 长乐市
青岛:市南区 市北区 黄岛区 崂山区 李沧区 城阳区 即墨区 胶州市 平度市 莱西市 四方区 即墨市
济南:历下区 市中区 槐荫区 天桥区 历城区 长清区 章丘区 济阳区 莱芜区 钢城区 平阴县 商河县 章丘市 济阳县
西安:新城区 碑林区 莲湖区 灞桥区 未央区 雁塔区 阎良区 临潼区 长安区 高陵区 鄠邑区 蓝田县 周至县 户县 高陵县
郑州:中原区 二七区 管城回族区 管城区 金水区 上街区 惠济区 中牟县 巩义市 荥阳市 新密市 新郑市 登封市
合肥:瑶海区 庐阳区 蜀山区 包河区 长丰县 肥东县 肥西县 庐江县 巢湖市
昆明:五华区 盘龙区 官渡区 西山区 东川区 呈贡区 晋宁区 富民县 宜良县 石林彝族自治县 嵩明县 禄劝彝族苗族自治县 寻甸回族彝族自治县 安宁市
沈阳:和平区 沈河区 大东区 皇姑区 铁西区 苏家屯区 浑南区 沈北新区 于洪区 辽中区 康平县 法库县 新民市 东陵区
大连:中山区 西岗区 沙河口区 甘井子区 旅顺口区 金州区 普兰店区 长海县 瓦房店市 庄河市
哈尔滨:道里区 南岗区 道外区 平房区 松北区 香坊区 呼兰区 阿城区 双城区 依兰县 方正县 宾县 巴彦县 木兰县 通河县 延寿县 尚志市 五常市
长春:南关区 宽城区 朝阳区 二道区 绿园区 双阳区 九台区 农安县 榆树市 德惠市 公主岭市
石家庄:长安区 桥西区 新华区 井陉矿区 裕华区 藁城区 鹿泉区 栾城区 井陉县 正定县 行唐县 灵寿县 高邑县 深泽县 赞皇县 无极县 平山县 元氏县 赵县 辛集市 晋州市 新乐市
南昌:东湖区 西湖区 青云谱区 青山湖区 新建区 红谷滩区 湾里区 南昌县 安义县 进贤县
南宁:兴宁区 青秀区 江南区 西乡塘区 良庆区 邕宁区 武鸣区 隆安县 马山县 上林县 宾阳县 横州市 横县
贵阳:南明区 云岩区 花溪区 乌当区 白云区 观山湖区 开阳县 息烽县 修文县 清镇市
海口:秀英区 龙华区 琼山区 美兰区
太原:小店区 迎泽区 杏花岭区 尖草坪区 万柏林区 晋源区 清徐县 阳曲县 娄烦县 古交市
兰州:城关区 七里河区 西固区 安宁区 红古区 永登县 皋兰县 榆中县
银川:兴庆区 西夏区 金凤区 永宁县 贺兰县 灵武市
西宁:城东区 城中区 城西区 城北区 湟中区 大通回族土族自治县 湟源县 湟中县
乌鲁木齐:天山区 沙依巴克区 新市区 水磨沟区 头屯河区 达坂城区 米东区 乌鲁木齐县
呼和浩特:新城区 回民区 玉泉区 赛罕区 土默特左旗 托克托县 和林格尔县 清水河县 武川县
拉萨:城关区 堆龙德庆区 达孜区 林周县 当雄县 尼木县 曲水县 墨竹工卡县
"""

_PROVINCE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
_ETHNIC = re.compile(
    "(?:朝鲜族|土家族|苗族|藏族|羌族|彝族|布依族|侗族|哈尼族|壮族|傣族|景颇族|傈僳族|回族|蒙古族|白族|黎族|土族"
    "|蒙古|柯尔克孜|哈萨克)+$"
)
_CITY_SUFFIXES = ("自治州", "地区", "林区", "盟", "市")


def _city_key(name: str) -> str:
    key = name.strip()
    for suffix in _CITY_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key.removesuffix(suffix)
            break
    stripped = _ETHNIC.sub("", key)
    return stripped if len(stripped) >= 2 else key


def _parse(block: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for line in block.strip().splitlines():
        for part in line.split("|"):
            head, items = part.split(":")
            out[head] = tuple(items.split())
    return out


_CITY_PROVINCE: dict[str, frozenset[str]] = {}
for _prov, _cities in _parse(_CN_CITIES).items():
    for _city in _cities:
        _CITY_PROVINCE[_city_key(_city)] = _CITY_PROVINCE.get(_city_key(_city), frozenset()) | {
            _prov
        }
_PROVINCES = frozenset(_parse(_CN_CITIES))
_DISTRICTS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in _parse(_CN_DISTRICTS).items()}
_KNOWN_DISTRICTS = frozenset(d for ds in _DISTRICTS.values() for d in ds)


def cn_province(name: str | None) -> str | None:
    """The province's short name (``浙江``), or None when it is not a known province."""
    key = (name or "").strip()
    for suffix in _PROVINCE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            key = key.removesuffix(suffix)
            break
    return key if key in _PROVINCES else None


def cn_city_province(city: str | None) -> str | None:
    """The province a known city belongs to (one of them when the name is shared)."""
    provinces = _CITY_PROVINCE.get(_city_key(city or ""))
    return min(provinces) if provinces else None


def cn_city_in_province(city: str | None, province: str | None) -> bool | None:
    """Whether the city lies in the province; None when either is unknown (never judged)."""
    prov = cn_province(province)
    provinces = _CITY_PROVINCE.get(_city_key(city or ""))
    if prov is None or provinces is None:
        return None
    return prov in provinces


def cn_district_ok(city: str | None, district: str | None) -> bool | None:
    """Whether the district lies in the city: None (not judged) unless the city's list is complete
    here and the district is a known district of another city.
    """
    known = _DISTRICTS.get(_city_key(city or ""))
    name = (district or "").strip()
    if known is None or not name:
        return None
    if name in known:
        return True
    return False if name in _KNOWN_DISTRICTS else None


_US_STATES = """AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|
DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|
LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|MT Montana|
NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|
OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|
TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming|PR Puerto Rico"""

_US_ZIP3 = """005 NY|010-027 MA|028-029 RI|030-038 NH|039-049 ME|050-054 VT|055 MA|056-059 VT|060-069 CT|070-089 NJ|
100-149 NY|150-196 PA|197-199 DE|200 DC|201 VA|202-205 DC|206-219 MD|220-246 VA|247-268 WV|270-289 NC|290-299 SC|
300-319 GA|320-339 FL|341-349 FL|350-369 AL|370-385 TN|386-397 MS|398-399 GA|400-427 KY|430-459 OH|460-479 IN|
480-499 MI|500-528 IA|530-549 WI|550-567 MN|569 DC|570-577 SD|580-588 ND|590-599 MT|600-629 IL|630-658 MO|
660-679 KS|680-693 NE|700-714 LA|716-729 AR|730-732 OK|733 TX|734-749 OK|750-799 TX|800-816 CO|820-831 WY|
832-838 ID|840-847 UT|850-865 AZ|870-884 NM|885 TX|889-898 NV|900-961 CA|967-968 HI|970-979 OR|980-994 WA|
995-999 AK|006-009 PR"""

_US_CITIES = """New York:NY|Brooklyn:NY,MI,IA,CT,MD|Queens:NY|Bronx:NY|Manhattan:NY,KS|Los Angeles:CA|San Francisco:CA|
San Diego:CA|San Jose:CA|Oakland:CA,MD,NJ,TN,ME|Sacramento:CA|Fresno:CA|Long Beach:CA,NY,MS,WA|Seattle:WA|
Spokane:WA|Tacoma:WA|Chicago:IL|Houston:TX,MS,MO,AK,DE,MN,PA|Dallas:TX,GA,OR,PA,NC|Austin:TX,MN,NV,IN,AR|
San Antonio:TX,FL|Fort Worth:TX|El Paso:TX,IL|Phoenix:AZ,OR,NY,MD|Tucson:AZ|Philadelphia:PA,MS,TN,NY|
Pittsburgh:PA|Boston:MA,GA,VA,KY,IN|Denver:CO,PA,NC,IA,IN|Atlanta:GA,TX,IL,IN,MI,NE|Miami:FL,OK,AZ,TX,WV,MO|
Orlando:FL|Tampa:FL,KS|Jacksonville:FL,NC,TX,AR,IL,AL|Charlotte:NC,MI,TN,TX,VT,IA|Raleigh:NC,MS,ND,IL|
Washington:DC,PA,NC,MO,UT,IA,IL,IN,GA,NJ,VA,KS,LA,MI,OK,WV,CT,NH,ME,VT,KY,NE,AR,TX|Baltimore:MD,OH|
Minneapolis:MN,KS|Saint Paul:MN,NE,VA,AR,OR,KS,IN|Detroit:MI,TX,ME,OR,AL|Nashville:TN,GA,NC,IL,AR,IN,MI,OH,KS|
Memphis:TN,TX,MO,MI,FL,IN|Salt Lake City:UT|Las Vegas:NV,NM|Jersey City:NJ|Newark:NJ,DE,OH,CA,NY,AR,IL,TX,MD,VT|
Hartford:CT,WI,MI,AL,KY,VT,SD,AR,IL,KS|Columbus:OH,GA,IN,MS,NE,WI,MT,KS,TX,NC,NM,ND|Cleveland:OH,TN,TX,MS,OK,GA,NC,WI,MN|
Cincinnati:OH,IA,AR|Indianapolis:IN|Milwaukee:WI,NC|Kansas City:MO,KS|St. Louis:MO,MI|Saint Louis:MO,MI|
New Orleans:LA|Honolulu:HI|Anchorage:AK|Albuquerque:NM|Oklahoma City:OK|Omaha:NE,TX,AR,GA,IL|Louisville:KY,CO,GA,MS,OH,NE,TN,IL,AL|
Portland:OR,ME,TX,TN,IN,MI,CT,ND,PA,AR,NY|Richmond:VA,CA,KY,IN,TX,MO,ME,VT,MI,IL,MN,UT|Providence:RI,UT,KY,NC|
Buffalo:NY,MN,MO,WY,TX,IA,SC,OK,WV,KS,ND,SD|Charleston:SC,WV,IL,MO,MS,TN,AR,ME,WV|Boise:ID|Madison:WI,AL,MS,IN,SD,NJ,CT,GA,NE,FL,ME,OH,VA,NC,TN,NH,KS,MN,MO,WV|
Birmingham:AL,MI|Des Moines:IA,NM,WA|Wichita:KS|Tulsa:OK|Irvine:CA,KY|Anaheim:CA|Santa Ana:CA|Riverside:CA,NJ,IL,MO,OH,RI,IA,WA,CT,AL,PA,TX|
Arlington:TX,VA,MA,WA,TN,TX,IL,NE,MN,SD,GA,OR,VT,KY,NY,OH,AZ,WY,IA,NC,KS|Aurora:CO,IL,OH,MO,IN,NE,MN,TX,NC,NY,SD,UT,WV,IA,KS,ME,OR|
Plano:TX,IL,IA|Scottsdale:AZ|Mesa:AZ,CO,WA,ID|Henderson:NV,KY,TN,NC,TX,MN,NE,LA,NY,IA,WV,GA|Reno:NV,PA,TX,OH|
Durham:NC,NH,CA,CT,ME,OR|Greensboro:NC,GA,AL,VT,MD,PA,FL|Savannah:GA,TN,MO,NY,OH,TX|Cambridge:MA,MD,OH,MN,NY,IL,WI,NE,VT,ID,IA,KS"""


def _parse_states() -> tuple[dict[str, str], frozenset[str]]:
    names: dict[str, str] = {}
    for item in _US_STATES.replace("\n", "").split("|"):
        code, name = item.split(" ", 1)
        names[name.lower()] = code
        names[code.lower()] = code
    return names, frozenset(names.values())


_STATE_NAMES, _STATE_CODES = _parse_states()


def _parse_zip3() -> dict[int, str]:
    out: dict[int, str] = {}
    for item in _US_ZIP3.replace("\n", "").split("|"):
        span, state = item.split()
        low, _, high = span.partition("-")
        for z in range(int(low), int(high or low) + 1):
            out[z] = state
    return out


_ZIP3 = _parse_zip3()
_CITY_STATES: dict[str, frozenset[str]] = {
    city.lower(): frozenset(states.split(","))
    for city, states in (item.split(":") for item in _US_CITIES.replace("\n", "").split("|"))
}
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


def us_state(name: str | None) -> str | None:
    """The two-letter code of a US state (from its code or its name), or None."""
    return _STATE_NAMES.get((name or "").strip().rstrip(".").lower())


def us_zip_state(code: str | None) -> str | None:
    """The state a 5-digit ZIP code (or ZIP+4) belongs to, or None when unknown."""
    match = _ZIP.match(code or "")
    return _ZIP3.get(int(match.group(1)[:3])) if match else None


def us_city_states(city: str | None) -> frozenset[str] | None:
    """Every state with a well-known city of this name, or None when the city is not listed."""
    return _CITY_STATES.get((city or "").strip().lower())

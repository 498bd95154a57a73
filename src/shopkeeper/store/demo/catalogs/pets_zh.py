"""A Tmall pet-supplies shop (猫粮, 狗粮, 猫砂, 猫零食): listings whose SKUs vary in two ways.

Each listing's SKUs are the grid of its line's flavours (口味) and weights (重量) — ``三文鱼味 2kg``
— so buyers pick a variant by two sales attributes, and ``attributes`` names both.
"""

from __future__ import annotations

from shopkeeper.store.demo.catalogs.spec import (
    CategorySpec,
    Option,
    ProductLine,
    ReviewBank,
    variant_grid,
)

REVIEWS = {
    "food": ReviewBank(
        good=(
            "猫咪很爱吃，一倒进碗里就来了",
            "颗粒大小合适，幼猫也能嚼",
            "吃了一个月毛发亮了很多",
            "便便成型，没有软便",
            "三文鱼味主子特别喜欢",
            "包装有密封条，保存方便",
            "狗狗吃得很香，泪痕少了",
            "配料表干净，肉含量高",
        ),
        mid=(
            "刚开始不太爱吃，混着旧粮慢慢换",
            "味道有点大，猫还行",
            "颗粒有点大，小猫吃着费劲",
            "价格有点贵，活动时再囤",
        ),
        bad=(
            "猫吃了就吐，不敢再喂",
            "狗狗吃完软便拉稀",
            "颗粒碎渣很多，像是放久了",
            "闻着有股油哈味",
        ),
    ),
    "litter": ReviewBank(
        good=(
            "结团很快，铲起来不散",
            "除臭效果好，屋里没味道",
            "粉尘很少，倒的时候不呛",
            "可以冲厕所，太方便了",
            "颗粒均匀，猫咪不抗拒",
        ),
        mid=("除臭一般，要勤铲", "结团还行，就是有点带砂", "颗粒有点大"),
        bad=("粉尘太大，猫一刨满地灰", "结团不牢，一铲就碎", "味道刺鼻，猫不肯用"),
    ),
    "treat": ReviewBank(
        good=(
            "猫条一拿出来猫就疯了",
            "喂药全靠它，猫很配合",
            "肉感十足，不是糊状",
            "小包装方便，出门也能带",
            "冻干很干净，就是纯肉",
        ),
        mid=("有点稀，猫舔得到处都是", "味道还行，猫兴趣一般", "量少了点"),
        bad=("猫吃了呕吐", "里面有异物", "打开就有一股怪味"),
    ),
}

_FLAVOURS_CAT = ("三文鱼味", "鸡肉味", "金枪鱼味")
_FLAVOURS_DOG = ("牛肉味", "鸡肉味", "羊肉味")
_FEATURE = Option("feature", "功效", ("高蛋白", "化毛球", "增肥发腮", "美毛亮毛", "肠胃呵护"))

LINES: tuple[ProductLine, ...] = (
    ProductLine(
        category="宠物/猫主粮",
        title="{brand} {formula}{stage}猫粮 {feature} 全价猫干粮",
        options=(
            Option("stage", "适用阶段", ("成猫", "幼猫", "全期", "老年猫")),
            Option("formula", "配方", ("无谷", "冻干双拼", "鲜肉", "低敏", "高肉")),
            _FEATURE,
        ),
        variants=variant_grid(_FLAVOURS_CAT, (("2kg", 1.0), ("5kg", 2.2), ("10kg", 4.0))),
        variant_label="口味/重量",
        variant_axes=("口味", "重量"),
        price=(59, 139),
        weight=34,
        keywords=("猫粮", "无谷猫粮", "幼猫猫粮", "成猫猫粮", "冻干猫粮", "全价猫粮"),
        longtail="{formula}{stage}猫粮",
        short_title="猫粮",
        review_group="food",
        shelf_life_days=540,
        lead_time=(7, 14),
        fixed=(("保质期", "18个月"), ("产地", "中国")),
        presale=True,
    ),
    ProductLine(
        category="宠物/狗主粮",
        title="{brand} {formula}{size}{stage}狗粮 {feature} 全价犬粮",
        options=(
            Option("size", "适用体型", ("小型犬", "中大型犬", "全犬种")),
            Option("stage", "适用阶段", ("幼犬", "成犬")),
            Option("formula", "配方", ("无谷", "鲜肉", "冻干", "低敏")),
            _FEATURE,
        ),
        variants=variant_grid(_FLAVOURS_DOG, (("1.5kg", 1.0), ("7.5kg", 4.2), ("15kg", 7.6))),
        variant_label="口味/重量",
        variant_axes=("口味", "重量"),
        price=(49, 109),
        weight=24,
        keywords=("狗粮", "小型犬狗粮", "幼犬狗粮", "泰迪狗粮", "无谷狗粮"),
        longtail="{size}{stage}狗粮",
        short_title="狗粮",
        review_group="food",
        shelf_life_days=540,
        lead_time=(7, 14),
        fixed=(("保质期", "18个月"),),
    ),
    ProductLine(
        category="宠物/猫砂",
        title="{brand} {kind} {scent} {feature}猫砂 可冲厕所",
        options=(
            Option("kind", "材质", ("豆腐猫砂", "膨润土猫砂", "混合猫砂", "松木猫砂")),
            Option("scent", "香型", ("原味", "绿茶味", "奶香味", "活性炭")),
            Option("feature", "特点", ("除臭", "低尘", "结团快")),
        ),
        variants=variant_grid((("2.5kg", 1.0), ("6kg", 2.1)), (("单包", 1.0), ("4包装", 3.6))),
        variant_label="重量/包数",
        variant_axes=("重量", "包数"),
        price=(19, 45),
        weight=22,
        keywords=("猫砂", "豆腐猫砂", "混合猫砂", "除臭猫砂", "膨润土猫砂"),
        longtail="{kind} {scent}",
        short_title="猫砂",
        review_group="litter",
        lead_time=(5, 10),
    ),
    ProductLine(
        category="宠物/猫零食",
        title="{brand} {kind} {who}猫零食 营养补水",
        options=(
            Option("kind", "品类", ("猫条", "冻干", "鲜肉罐", "肉泥", "化毛膏")),
            Option("who", "适用阶段", ("幼猫", "成猫", "全期")),
        ),
        variants=variant_grid(_FLAVOURS_CAT, (("20支", 1.0), ("50支", 2.3))),
        variant_label="口味/规格",
        variant_axes=("口味", "规格"),
        price=(25, 59),
        weight=20,
        keywords=("猫条", "猫零食", "冻干猫零食", "猫罐头", "猫咪零食"),
        longtail="{kind} {who}",
        short_title="猫零食",
        review_group="treat",
        shelf_life_days=365,
        lead_time=(5, 12),
        fixed=(("保质期", "12个月"),),
    ),
)

SPEC = CategorySpec(
    key="pets",
    lang="zh",
    store_name="毛孩食堂宠物旗舰店",
    brand="毛孩食堂",
    own_shop="毛孩食堂宠物专营店",
    platform="tmall",
    currency="CNY",
    timezone="Asia/Shanghai",
    lines=LINES,
    competitor_shops=(
        "喵星粮仓旗舰店",
        "汪汪优选宠物店",
        "萌宠之家专营店",
        "爪印宠物官方店",
        "宠粮研究所",
    ),
    audiences=("养猫人群", "店铺老客", "竞品浏览人群", "新手铲屎官", "多猫家庭"),
    reviews=REVIEWS,
    burst_topic="包装破损",
    burst_texts=(
        "袋子破了，猫粮撒了一箱",
        "快递压扁了，粮袋裂开了口子",
        "包装破损，猫砂漏了一车",
        "外箱烂了，里面袋子也破了",
        "封口没封好，粮都受潮了",
        "第二次收到破袋的，包装太差了",
    ),
    taste_reason="宠物不爱吃",
)

"""What a buyer's message is about, offline: zh/en keywords first, then the nearest example
phrasing by multilingual-e5 similarity — :class:`IntentClassifier`, this catalogue's instance of
:class:`shopkeeper.classify.ExampleClassifier` (the agents' router is the other one).

>>> intents = IntentClassifier()
>>> intents.keyword_intent("我的快递到哪了")
'order_status'
>>> intents.keyword_intent("我要退定金"), intents.keyword_intent("少发了一件")
('deposit_refund', 'missing_item')
>>> intents.keyword_intent("Can I return this?")
'return_refund'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, cast

from shopkeeper.classify import ExampleClassifier, ExampleVectors, Label

Intent = Literal[
    "greeting",
    "product_question",
    "stock_price",
    "compare",
    "recommend",
    "promotions",
    "order_status",
    "urge_shipping",
    "change_address",
    "cancel",
    "return_refund",
    "exchange",
    "deposit_refund",
    "missing_item",
    "reship",
    "confirm",
    "deny",
    "complaint",
    "human",
    "other",
]

AFTER_SALE: frozenset[str] = frozenset(
    {
        "order_status",
        "urge_shipping",
        "change_address",
        "cancel",
        "return_refund",
        "exchange",
        "deposit_refund",
        "missing_item",
        "reship",
    }
)
PRE_SALE: frozenset[str] = frozenset(
    {"product_question", "stock_price", "compare", "recommend", "promotions"}
)

_KEYWORDS: tuple[tuple[Intent, str], ...] = (
    (
        "human",
        r"转人工|人工客服|找人工|真人|人工服务|客服经理|human|real person|agent|representative|"
        r"manager|supervisor",
    ),
    ("deposit_refund", r"退定金|定金.{0,4}退|退.{0,4}定金|deposit"),
    (
        "missing_item",
        r"少件|少发|漏发|少了一|缺了|没收到.{0,6}(?:件|个|包)|分包|missing|didn'?t receive all",
    ),
    ("reship", r"补发|重新发|再发一|reship|send (?:it|another) again"),
    (
        "change_address",
        r"改地址|修改地址|换地址|更改地址|变更地址|地址(?:写|填)?错|改.{0,4}收货|收货地址|"
        r"地址.{0,3}(?:改|换|变更|更改|修改)|(?:改|换|修改|更改|变更)(?:一?下|个)地址|新地址|搬家|address",
    ),
    ("exchange", r"换货|换一个|换个|换成|调换|exchange|swap|huan ?huo"),
    ("cancel", r"取消|不想要了|拍错|cancel|cancle|cansel|canel\b|qu ?xiao"),
    (
        "return_refund",
        r"退货|退款|退钱|退了|退掉|七天无理由|退回|return|refund|money back|tui ?(?:huo|kuan)|"
        r"retrun|refnd|"
        r"(?:send|take) (?:it|this|them) back",
    ),
    (
        "urge_shipping",
        r"催.{0,4}发货|催单|催一下|什么时候发货|何时发货|怎么还没发|还没发货|快点发|尽快发|几时发|发货了吗|"
        r"when (?:will|does|do) (?:you|it|my order|they) ship|not shipped|ship (?:it )?(?:soon|faster)",
    ),
    (
        "order_status",
        r"物流|快递|到哪(?!天|一天|日|号)|订单状态|查.{0,2}订单|我的订单|单号|签收|派送|运单|"
        "\U0001f4e6|\U0001f69a|wu ?liu|kuai ?di|"
        r"track|tracking|where(?:'?s| is| are) my|order status|delivery status|"
        r"(?:my|the) (?:package|parcel|shipment)\b|update on my (?:order|package|parcel)|"
        r"(?:什么时候|啥时候|几时|多久|几天)能?(?:到|送到|收到)|"
        r"when (?:will|does|do|is) (?:my|it|the|they)\b.{0,20}\b(?:arrive|get here|be delivered|come)",
    ),
    (
        "promotions",
        r"优惠|活动|满减|满\d+|券|折扣|打折|凑单|划算|促销|便宜点|包邮|秒杀|"
        r"减多少|省多少|便宜多少|优惠多少|能减|怎么减|"
        r"discount|coupon|promotion|deal|cheapest way|voucher|(?<!after[- ])\bsales?\b|"
        r"how much (?:off|can i save|would i save)",
    ),
    ("compare", r"区别|对比|比较|哪个好|哪款好|有什么不同|\bvs\b|compare|difference|better"),
    (
        "recommend",
        r"推荐|适合新手|送礼(?!.{0,3}包装)|买哪|选哪|recommend|suggest|gift(?![- ]?wrap)|which should",
    ),
    (
        "stock_price",
        r"多少钱|多钱|咋卖|怎么卖|啥价|价格|价钱|几块|几钱|卖多少|(?<!差)多少[\s?？~。!！]*$|有货|现货|库存|没货|"
        r"缺货|还有吗|卖完|货够|够不够|"
        r"price|how much(?! (?:is |for |does )?(?:the )?(?:shipping|delivery|postage))|cost|"
        r"in stock|available|sold out|have enough|do (?:you|u|ya) (?:have|carry|sell)\b",
    ),
    (
        "product_question",
        r"材质|尺寸|规格|适合|保质期|产地|成分|口味|烘焙|容量|重量|大小|怎么用|用法|多大|"
        r"material|size|spec|suitable|suit\b|safe for|good for|ingredient|flavou?r|roast|weight|how to use|"
        r"礼品包装|礼盒包装|贺卡|gift[- ]?wrap|wrapping|greeting card|gift note",
    ),
    (
        "greeting",
        r"^(?:(?:亲|你好|您好|在吗|在不在|在么|哈喽|hi|hello|hey)[\s,，!！?？.。~]*)+$",
    ),
)

_YES = (
    r"是的?|确认|确定|好的?|可以|行|嗯+|对的?|没问题|同意|就这样|麻烦了?|办吧|办理吧|ok(?:ay)?|"
    r"yes|yep|yeah|yup|sure|confirm(?:ed)?|go ahead|do it|please (?:go ahead|do it|confirm|proceed)|"
    r"好滴|好嘞|嗯呢|没错|正确|就这个|就是这个|ok+k|no problem|no worries|alright|all right|sounds good|go for it|(?:pls|please) do|"
    "\U0001f44d|\U0001f44c"
)
_CONFIRM = re.compile(rf"^(?:{_YES})(?![a-z])", re.I)
_DENY = re.compile(
    r"^(?:不用|不要|算了|先不|不了|取消|不是|不对|别|不确认|no\b(?! problem| worries)|nope|nah\b|cancel|never ?mind|don'?t|"
    r"forget it|stop|还是算了|还是先?不|不(?:退|改|换|取消|办|要)了|(?:我)?再想想|考虑一下|"
    r"let me think|hold off|leave it|keep it|actually,? no|i(?:'ve)? changed my mind|not now)",
    re.I,
)
_NEGATED = re.compile(
    r"不用|不要|算了|不办|先不|别|不确认|不了|\bno\b(?! problem| worries)|\bnot\b|don'?t|never ?mind|forget it|"
    r"\bstop\b|wait|\bnah\b",
    re.I,
)
_FILLER = re.compile(
    r"^(?:嗯+|哦+|噢+|啊|呃|那|那就|亲|等下|等等|等一下|well|oh|um+|hmm+|wait|hold on|actually)"
    r"[\s,，.。!！~…]*",
    re.I,
)
_CANCEL_IT = re.compile(
    r"^(?:确认|就|那就|直接|帮我)?取消(?:吧|掉|了吧|啦|订单)*[\s!！。.~]*$|"
    r"^cancel(?: it| that| the order| my order)?(?: please| pls)?[\s!.]*$",
    re.I,
)
"""Cancelling, said as the answer to a proposed cancellation: a yes to it (取消吧, cancel it)."""
_DO_IT = re.compile(
    r"^(?:那就|就|那|直接|帮我)?(退款|退货|退|改|换|补发|办)(?:吧|了吧|呗|啦)[\s!！。.~]*$"
)
"""The pending action's own verb, said as the answer to it (行吧退吧 → 退吧, 那就改吧)."""
_VERB_OF = {
    "退款": ("return_refund", "refund_deposit", "cancel_order"),
    "退货": ("return_refund",),
    "退": ("return_refund", "refund_deposit", "cancel_order"),
    "改": ("change_address",),
    "换": ("exchange",),
    "补发": ("reship",),
}
_ASKING = re.compile(
    r"\d{3,}|[?？]|[吗呢么嘛](?:[\s!！。.~]*)$|是不是|可不可以|能不能|行不行|怎么|什么|多少|多久|"
    r"\b(?:how|what|when|why|where|can i|could i)\b",
    re.I,
)
_BUT = re.compile(r"但是|不过|可是|\bbut\b|\bexcept\b", re.I)
"""A yes with a condition ("好的 但是换个地址") is a new request, not an answer."""
_MAX_ANSWER = 24
"""A yes or no longer than this (after fillers) is a new message, not an answer."""


def confirmation(text: str, pending: str | None = None) -> Literal["confirm", "deny"] | None:
    """An explicit yes or no in any short natural form, or ``None`` for anything else (a longer
    message, one with a number, a question). With a cancellation ``pending``, "取消吧" / "cancel
    it" is its yes; "等下 先不取消了" / "wait no, keep it" is a no.

    >>> confirmation("确认"), confirmation("不用了"), confirmation("确认退款给我1000")
    ('confirm', 'deny', None)
    >>> confirmation("是的，确认修改"), confirmation("嗯嗯 确认申请退货退款"), confirmation("确认取消")
    ('confirm', 'confirm', 'confirm')
    >>> confirmation("yes please go ahead"), confirmation("ok confirm"), confirmation("算了")
    ('confirm', 'confirm', 'deny')
    >>> confirmation("no, cancel that"), confirmation("确认，就改这个地址"), confirmation("可以退吗？")
    ('deny', 'confirm', None)
    >>> confirmation("嗯 取消吧", "cancel_order"), confirmation("等下 先不取消了", "cancel_order")
    ('confirm', 'deny')
    >>> confirmation("wait no, keep it"), confirmation("取消吧")
    ('deny', 'deny')
    >>> confirmation("那就退吧", "cs.return_refund"), confirmation("改吧", "cs.return_refund")
    ('confirm', None)
    >>> confirmation("sounds good"), confirmation("👍"), confirmation("还是算了吧"), confirmation("不退了")
    ('confirm', 'confirm', 'deny', 'deny')
    >>> confirmation("no problem"), confirmation("嗯呢"), confirmation("好的 但是换个地址")
    ('confirm', 'confirm', None)
    """
    stripped = text.strip()
    if re.fullmatch(r"(?:嗯+|哦+|好+)[呢哒滴嘞啦]?[\s!！。.~]*", stripped):
        return "confirm"
    while (m := _FILLER.match(stripped)) and m.end() and m.end() < len(stripped):
        stripped = stripped[m.end() :]
    if len(stripped) > _MAX_ANSWER or _ASKING.search(stripped) or _BUT.search(stripped):
        return None
    action = (pending or "").removeprefix("cs.")
    if action == "cancel_order" and _CANCEL_IT.match(stripped):
        return "confirm"
    verb = _DO_IT.match(stripped)
    if verb and action and (verb.group(1) == "办" or action in _VERB_OF[verb.group(1)]):
        return "confirm"
    if _DENY.match(stripped):
        return "deny"
    if _CONFIRM.match(stripped) and not _NEGATED.search(stripped):
        return "confirm"
    return None


EXAMPLES: dict[Intent, tuple[str, ...]] = {
    "order_status": ("我买的东西到哪里了", "包裹怎么还没到", "Where is my parcel?"),
    "urge_shipping": ("能不能早点给我寄出去", "下单好几天了还不动", "Please send my order out"),
    "change_address": ("我搬家了要寄到新家", "I moved, please deliver to my new home"),
    "cancel": ("这单我不要了", "I no longer want this order"),
    "return_refund": ("东西不想要了能退吗", "I want my money back for this"),
    "exchange": ("尺寸不合适想换大一号", "Can I get a different size instead"),
    "missing_item": ("收到的包裹里东西不全", "The box arrived with something missing"),
    "reship": ("东西坏了再给我寄一个", "Please send me a new one, it arrived broken"),
    "product_question": ("这个咖啡豆是什么味道的", "这款适合做拿铁吗", "What is this made of?"),
    "stock_price": ("这个卖多少", "还能买到吗", "What does this cost?"),
    "recommend": ("新手买哪款好", "送人买什么好", "What would you suggest for a beginner?"),
    "promotions": ("最近有什么活动", "怎么买最省钱", "Any deals right now?"),
    "greeting": ("早上好", "Good morning"),
    "human": ("我要和客服说话", "Let me talk to someone"),
}
EMBED_FLOOR = 0.90
"""The nearest example must be at least this similar for its intent to count."""


class IntentClassifier:
    """Buyer messages → :data:`Intent`: the keywords of :data:`_KEYWORDS` (in their order), else
    the nearest of :data:`EXAMPLES` from :data:`EMBED_FLOOR` on, else ``other``. The examples'
    vectors are computed on first use (and cached in ``cache_dir`` when given).
    """

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._classifier = ExampleClassifier(
            [
                Label(intent, (f"re:{pattern}",), EXAMPLES.get(intent, ()))
                for intent, pattern in _KEYWORDS
            ],
            vectors=ExampleVectors(cache_dir=cache_dir, name="cs-intents"),
        )

    def keyword_intent(self, text: str) -> Intent | None:
        """The first intent whose keywords are in ``text`` (the order of :data:`_KEYWORDS`)."""
        return cast("Intent | None", self._classifier.first_keyword(text))

    def embedding_intent(self, text: str) -> tuple[Intent, float]:
        """The intent of the nearest example phrasing and its similarity (``other`` below the
        floor).
        """
        found, score = self._classifier.nearest(text, EMBED_FLOOR)
        return cast("Intent", found or "other"), score

    def classify(self, text: str, *, use_embeddings: bool = True) -> Intent:
        """The message's intent: keywords, else the nearest example, else ``other``."""
        found = self.keyword_intent(text)
        if found is not None:
            return found
        if not use_embeddings:
            return "other"
        return self.embedding_intent(text)[0]

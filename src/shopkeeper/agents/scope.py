"""What the store manager does not route to a skill: questions outside the store (weather, stock
prices, a poem), politely refused, and small talk (thanks, hello), answered in kind. The router
reads :data:`OUT_OF_SCOPE` as its off-topic examples and :func:`out_of_scope` before routing.
"""

from __future__ import annotations

import re

OUT_OF_SCOPE_MARKERS = re.compile(
    r"股价|股票|股市|大盘|基金|汇率|天气|气温|下雨|新闻|头条|笑话|写诗|作诗|写一首|翻译|机票|火车票|酒店|菜谱|"
    r"\b(?:stock|share) (?:price|market)s?\b|\bshares of\b|"
    r"\b(?!(?:my|our|the|your|its|in|of|any|low|safety|enough)\b)[a-z]+(?:'s)? (?:stock|shares) "
    r"(?:doing|trading|performing|quote|ticker)\b|nasdaq|dow jones|s&p 500|exchange rate|"
    r"\bweather\b|\bnews\b|headlines?|\bjoke\b|\bpoem\b|\btranslate\b|\bflights?\b|\brecipe\b|"
    r"capital of|who won|\bmovie\b",
    re.I,
)
"""Words that put a request outside the store whatever else it says ("What's Apple's stock price
today?" is not a stock question)."""


def out_of_scope(text: str) -> bool:
    """Whether the request is about something outside the store.

    >>> out_of_scope("What's Apple's stock price today?"), out_of_scope("哪些商品快断货了")
    (True, False)
    >>> out_of_scope("明天北京天气怎么样"), out_of_scope("Which products should I push in my email newsletter?")
    (True, False)
    >>> out_of_scope("how's Tesla stock doing"), out_of_scope("how is our stock doing")
    (True, False)
    """
    return OUT_OF_SCOPE_MARKERS.search(text) is not None


SMALL_TALK: tuple[tuple[re.Pattern[str], tuple[str, str]], ...] = (
    (
        re.compile(
            r"^(?:谢谢|多谢|感谢|谢了|辛苦了?|thanks?(?: you)?(?: so much| a lot)?|thx|ty|cheers)(?:你|啦|了|!|！|。|~|\s)*$",
            re.I,
        ),
        (
            "不客气！还有什么要看的，随时问我。",
            "You're welcome! Ask me anything else about the store.",
        ),
    ),
    (
        re.compile(
            r"^(?:你好|您好|嗨|哈喽|早上好|下午好|晚上好|在吗|hi|hello|hey|good (?:morning|afternoon|evening))(?: there| team| everyone)?(?:呀|啊|!|！|。|~|,|，|\s)*$",
            re.I,
        ),
        (
            "你好！我是你的AI店长，可以帮你看销售、库存、推广、售后，也能按你的话改价、调预算（需审批）。",
            "Hello! I'm your AI store manager: ask about sales, stock, ads or refunds, or have me change a price.",
        ),
    ),
    (
        re.compile(
            r"^(?:再见|拜拜|好的|好|嗯|ok|okay|bye|goodbye|got it|great|好的谢谢)(?:!|！|。|~|\s)*$",
            re.I,
        ),
        ("好的，有需要再叫我。", "Got it — I'm here when you need me."),
    ),
)
"""Greetings, thanks and goodbyes: answered with a short reply (zh, en), not "out of scope"."""


def small_talk(text: str) -> tuple[str, str] | None:
    """The short reply (zh, en) to a greeting, thanks or goodbye; ``None`` for anything else.

    >>> small_talk("谢谢")[0], small_talk("hello")[1][:5], small_talk("你好，昨天卖了多少")
    ('不客气！还有什么要看的，随时问我。', 'Hello', None)
    """
    stripped = text.strip()
    return next((reply for pattern, reply in SMALL_TALK if pattern.match(stripped)), None)


OUT_OF_SCOPE: tuple[str, ...] = (
    "你好",
    "你是谁",
    "给我讲个笑话",
    "写一首诗",
    "明天天气怎么样",
    "帮我订一张机票",
    "今天股市怎么样",
    "翻译这句话",
    "hello",
    "who are you",
    "tell me a joke",
    "write a poem about the sea",
    "what is the weather tomorrow",
    "book me a flight",
    "what is the capital of France",
    "translate this sentence",
)
"""Requests that are not about the store: when one of these is the closest match and no keyword
points at an intent, the router says what it can do instead of guessing."""

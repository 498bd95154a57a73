"""Chinese customer-service chat scripts (售前咨询, 催发货, 改地址, 物流, 退换, 破损, 发票)."""

from __future__ import annotations

from shopkeeper.store.demo.locale import Chat

CHATS: tuple[Chat, ...] = (
    Chat(
        "presale_attr",
        "presale",
        3.0,
        (
            ("customer", "你好，这款{item}的{k}是什么？"),
            ("bot", "亲，您好～这款的{k}是{v}哦，有其他问题随时问我～"),
            ("customer", "好的，谢谢"),
        ),
    ),
    Chat(
        "presale_attr",
        "presale",
        2.0,
        (
            ("customer", "在吗"),
            ("bot", "在的亲，请问有什么可以帮您？"),
            ("customer", "{item}{k}是多少"),
            ("agent", "亲，{k}：{v}，放心购买哦"),
            ("customer", "好的，那我拍了"),
        ),
    ),
    Chat(
        "ship_time",
        "presale",
        2.0,
        (
            ("customer", "今天下单什么时候发货？"),
            ("bot", "亲，16点前付款当天发货，最晚48小时内发出哦～"),
            ("customer", "发什么快递"),
            ("agent", "默认{carrier}，偏远地区以实际为准哦"),
            ("customer", "好的"),
        ),
    ),
    Chat(
        "coupon",
        "presale",
        2.0,
        (
            ("customer", "有优惠券吗"),
            ("bot", "亲，店铺首页可以领取满99减10的新客券，叠加活动更划算哦～"),
            ("customer", "好的我去领"),
        ),
    ),
    Chat(
        "urge",
        "paid",
        3.0,
        (
            ("customer", "我的订单怎么还没发货？"),
            ("bot", "亲，您的订单{order}正在打包中，会尽快为您发出～"),
            ("customer", "能快点吗，着急用"),
            ("agent", "已经帮您催仓库了，今天一定发出，请您放心"),
        ),
    ),
    Chat(
        "address",
        "paid",
        1.5,
        (
            ("customer", "地址写错了，能帮我改一下吗？"),
            ("agent", "亲，还没发货可以修改的，请把新地址发给我"),
            ("customer", "改成{city}{district}，电话不变"),
            ("agent", "好的，已经为您修改地址并备注仓库，请放心"),
        ),
    ),
    Chat(
        "logistics",
        "shipped",
        2.5,
        (
            ("customer", "到哪里了？"),
            ("bot", "亲，您的包裹由{carrier}配送，单号{tracking}，正在运输中，预计1-3天送达～"),
            ("customer", "好的"),
        ),
    ),
    Chat(
        "return",
        "delivered",
        2.0,
        (
            ("customer", "收到了，{item}不太喜欢，可以退吗"),
            ("agent", "亲，支持七天无理由退货，未拆封的话在订单页申请退货退款即可哦"),
            ("customer", "拆开了一个可以吗"),
            (
                "agent",
                "已拆封影响二次销售的不支持无理由退货，非常抱歉，可以为您申请一张10元优惠券作为补偿",
            ),
            ("customer", "好吧"),
        ),
    ),
    Chat(
        "damage",
        "delivered",
        1.0,
        (
            ("customer", "收到的包装破了"),
            ("agent", "非常抱歉给您带来不好的体验！麻烦拍一下照片发给我们"),
            ("customer", "[图片]"),
            ("agent", "收到，已经为您登记补发，今天就安排发出"),
        ),
    ),
    Chat(
        "invoice",
        "delivered",
        1.0,
        (
            ("customer", "能开发票吗"),
            ("bot", "亲，可以的，在订单详情页申请电子发票，1-3个工作日开具哦"),
            ("customer", "好的"),
        ),
    ),
)

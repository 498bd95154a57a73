"""The alias tables as data, read by :mod:`shopkeeper.store.aliases` (see ``docs/aliases.md``).

``HEADER_SPEC``: table -> contract column -> source -> headers as the export writes them.
``VALUE_SPEC``: (table, enum column) -> contract value -> source -> cell values as exported.

Only headers whose cells already hold what the contract column holds are aliased. Left out on
purpose: Shopify ``Email`` (personal data; the Shopify adapter hashes it into ``customer_id``),
``Image Src`` (one image per row, not a count), ``Type`` (the export also has ``Product
Category``), 商品属性 (``颜色:红;尺码:M`` text, not JSON: 销售属性 is the SKU's ``sku_name``) and headers that sit next to a
synonym in the same export (联系电话 beside 联系手机, 总金额 beside 买家实际支付金额), because a
second header for the same column would only be kept as an extra.
"""

from __future__ import annotations

QN = "千牛"
SYCM = "生意参谋"
ADS = "直通车/万相台"
ERP = "ERP (聚水潭/旺店通)"
SHOPIFY = "Shopify"
GENERIC = "generic"

Headers = dict[str, dict[str, tuple[str, ...]]]

_ORDER_ID: dict[str, tuple[str, ...]] = {
    QN: ("订单编号", "主订单编号", "订单号"),
    SHOPIFY: ("Name",),
}
_SKU_ID: dict[str, tuple[str, ...]] = {
    QN: ("商家编码", "SKU ID", "skuid"),
    ERP: ("商品编码", "SKU编码"),
}
_PRODUCT_ID: dict[str, tuple[str, ...]] = {QN: ("商品ID", "宝贝ID")}

HEADER_SPEC: dict[str, Headers] = {
    "products": {
        "sku_id": {**_SKU_ID, SHOPIFY: ("Variant SKU",), GENERIC: ("SKU",)},
        "product_id": {**_PRODUCT_ID, ERP: ("款式编码", "货品编号"), SHOPIFY: ("Handle",)},
        "title": {
            QN: ("商品标题", "宝贝标题", "商品名称", "宝贝名称", "标题"),
            SHOPIFY: ("Title",),
        },
        "category": {
            QN: ("类目", "商品类目", "宝贝类目", "叶子类目", "类目名称"),
            ERP: ("商品分类",),
            SHOPIFY: ("Product Category",),
        },
        "price": {
            QN: ("价格", "一口价", "宝贝价格", "商品价格"),
            ERP: ("销售价", "售价"),
            SHOPIFY: ("Variant Price",),
        },
        "cost": {ERP: ("成本价", "成本", "采购价"), SHOPIFY: ("Cost per item",)},
        "status": {QN: ("商品状态", "宝贝状态"), SHOPIFY: ("Status",)},
        "listed_at": {QN: ("上架时间", "发布时间", "首次上架时间")},
        "brand": {QN: ("品牌",), SHOPIFY: ("Vendor",)},
        "image_count": {QN: ("主图数量", "图片数量")},
        "shelf_life_days": {ERP: ("保质期", "保质期天数")},
        "lead_time_days": {ERP: ("补货周期", "采购周期", "备货周期")},
        "sku_name": {
            QN: ("销售属性", "SKU属性", "宝贝属性", "规格"),
            ERP: ("颜色及规格", "规格名称", "商品规格"),
            SHOPIFY: ("Variant Title",),
            GENERIC: ("Variant", "Variant Name"),
        },
    },
    "orders": {
        "order_id": {**_ORDER_ID, GENERIC: ("Order No", "Order Number")},
        "customer_id": {QN: ("买家会员名", "买家昵称", "买家ID")},
        "created_at": {QN: ("订单创建时间", "创建时间", "下单时间"), SHOPIFY: ("Created at",)},
        "paid_at": {QN: ("订单付款时间", "付款时间", "支付时间"), SHOPIFY: ("Paid at",)},
        "status": {QN: ("订单状态", "交易状态"), SHOPIFY: ("Financial Status",)},
        "channel": {QN: ("订单来源", "下单渠道"), SHOPIFY: ("Source",)},
        "pay_amount": {
            QN: ("买家实际支付金额", "实付金额", "支付金额", "实收款"),
            SHOPIFY: ("Total",),
        },
        "shipping_fee": {QN: ("买家应付邮费", "邮费", "运费"), SHOPIFY: ("Shipping",)},
        "receiver_name": {QN: ("收货人姓名", "收货人", "收件人"), SHOPIFY: ("Shipping Name",)},
        "receiver_phone": {QN: ("联系手机", "收货人手机", "手机号"), SHOPIFY: ("Shipping Phone",)},
        "receiver_country": {
            QN: ("收货国家", "收货国家/地区"),
            ERP: ("国家", "国家/地区"),
            SHOPIFY: ("Shipping Country",),
            GENERIC: ("Country",),
        },
        "receiver_province": {
            QN: ("收货省份",),
            ERP: ("省", "省份"),
            SHOPIFY: ("Shipping Province",),
        },
        "receiver_city": {QN: ("收货城市",), ERP: ("市", "城市"), SHOPIFY: ("Shipping City",)},
        "receiver_district": {QN: ("收货区县",), ERP: ("区", "区县")},
        "receiver_address": {QN: ("收货地址", "收货详细地址"), SHOPIFY: ("Shipping Street",)},
        "shipped_at": {QN: ("发货时间", "卖家发货时间"), SHOPIFY: ("Fulfilled at",)},
        "delivered_at": {QN: ("确认收货时间", "签收时间")},
        "promised_delivery_at": {
            QN: ("预计送达时间", "预计送达", "承诺送达时间", "预计到达时间"),
            GENERIC: (
                "Estimated Delivery",
                "Estimated Delivery Date",
                "order_estimated_delivery_date",
            ),
        },
        "carrier": {QN: ("物流公司", "快递公司")},
        "tracking_no": {QN: ("物流单号", "运单号", "快递单号")},
        "presale_deposit": {QN: ("定金", "预售定金", "定金金额")},
    },
    "order_items": {
        "order_id": dict(_ORDER_ID),
        "line_no": {ERP: ("行号",)},
        "sku_id": {**_SKU_ID, SHOPIFY: ("Lineitem sku",), GENERIC: ("SKU",)},
        "quantity": {
            QN: ("购买数量", "数量", "商品数量"),
            SHOPIFY: ("Lineitem quantity",),
            GENERIC: ("Qty",),
        },
        "unit_price": {QN: ("价格", "单价", "商品单价", "商品价格"), SHOPIFY: ("Lineitem price",)},
        "paid_amount": {QN: ("子订单实付金额",), ERP: ("实付金额", "分摊后金额")},
    },
    "traffic": {
        "date": {SYCM: ("统计日期", "日期")},
        "product_id": dict(_PRODUCT_ID),
        "source": {SYCM: ("流量来源", "来源", "来源名称")},
        "impressions": {SYCM: ("曝光量", "展现量")},
        "visitors": {SYCM: ("访客数", "商品访客数", "UV")},
        "page_views": {SYCM: ("浏览量", "商品浏览量", "PV")},
        "add_to_cart": {SYCM: ("加购人数", "商品加购人数")},
        "favorites": {SYCM: ("收藏人数", "商品收藏人数", "收藏买家数")},
        "buyers": {SYCM: ("支付买家数",)},
        "gmv": {SYCM: ("支付金额",)},
    },
    "search_terms": {
        "date": {SYCM: ("统计日期", "日期")},
        "product_id": dict(_PRODUCT_ID),
        "keyword": {SYCM: ("搜索词", "关键词", "引流关键词")},
        "impressions": {SYCM: ("曝光量", "展现量")},
        "visitors": {SYCM: ("访客数", "带来的访客数")},
        "buyers": {SYCM: ("支付买家数", "引导支付买家数")},
        "gmv": {SYCM: ("支付金额", "引导支付金额")},
    },
    "ad_campaigns": {
        "date": {ADS: ("日期", "统计日期")},
        "campaign_id": {ADS: ("计划ID", "推广计划ID")},
        "product_id": {ADS: ("商品ID", "宝贝ID", "主体ID")},
        "audience": {ADS: ("人群名称", "人群")},
        "campaign_name": {ADS: ("计划名称", "推广计划名称", "计划名字")},
        "kind": {ADS: ("营销场景", "推广场景", "计划类型")},
        "daily_budget": {ADS: ("日预算", "每日预算")},
        "target_roi": {ADS: ("目标投产比", "目标ROI")},
        "bid": {ADS: ("出价", "平均出价")},
        "spend": {ADS: ("花费", "消耗", "总花费")},
        "impressions": {ADS: ("展现量", "曝光量")},
        "clicks": {ADS: ("点击量", "点击数")},
        "conversions": {ADS: ("总成交笔数", "成交笔数")},
        "gmv": {ADS: ("总成交金额", "成交金额")},
    },
    "inventory": {
        "date": {ERP: ("日期", "统计日期", "盘点日期")},
        "sku_id": {**_SKU_ID, SHOPIFY: ("SKU", "Variant SKU")},
        "warehouse": {ERP: ("仓库", "仓库名称"), SHOPIFY: ("Location",)},
        "on_hand": {
            QN: ("库存", "宝贝库存"),
            ERP: ("实际库存", "实物库存", "库存数量"),
            SHOPIFY: ("On hand", "Variant Inventory Qty"),
        },
        "reserved": {ERP: ("占用库存", "锁定库存"), SHOPIFY: ("Committed",)},
        "in_transit": {ERP: ("在途库存", "采购在途"), SHOPIFY: ("Incoming",)},
        "expiry_date": {ERP: ("到期日期", "过期日期", "有效期至")},
        "lot_id": {ERP: ("批次号", "批次")},
    },
    "reviews": {
        "review_id": {QN: ("评价ID", "评论ID")},
        "order_id": {QN: ("订单编号", "订单号")},
        "sku_id": {QN: ("商家编码", "SKU ID")},
        "product_id": dict(_PRODUCT_ID),
        "created_at": {QN: ("评价时间", "评论时间")},
        "rating": {QN: ("评分", "星级", "商品评分")},
        "text": {QN: ("评价内容", "评论内容")},
        "has_media": {QN: ("是否有图", "是否带图")},
        "reply": {QN: ("商家回复", "卖家回复", "回复内容", "解释内容")},
    },
    "refunds": {
        "refund_id": {QN: ("退款编号", "退款单号", "售后单号")},
        "order_id": {QN: ("订单编号", "订单号")},
        "sku_id": {QN: ("商家编码", "SKU ID")},
        "created_at": {QN: ("退款申请时间", "申请时间")},
        "kind": {QN: ("售后类型", "退款类型", "是否需要退货")},
        "amount": {QN: ("买家退款金额", "退款金额")},
        "reason": {QN: ("退款原因", "售后原因")},
        "status": {QN: ("退款状态", "售后状态")},
        "resolved_at": {QN: ("退款完结时间", "完结时间", "退款完成时间")},
    },
    "messages": {
        "conversation_id": {QN: ("会话ID", "会话编号")},
        "message_id": {QN: ("消息ID", "消息编号")},
        "sent_at": {QN: ("发送时间", "消息时间", "时间")},
        "customer_id": {QN: ("买家昵称", "买家会员名", "买家")},
        "sender": {QN: ("发送方", "角色")},
        "text": {QN: ("消息内容", "聊天内容", "内容")},
        "order_id": {QN: ("订单编号", "订单号")},
        "product_id": dict(_PRODUCT_ID),
    },
    "competitors": {
        "date": {SYCM: ("日期", "统计日期")},
        "our_product_id": {SYCM: ("本店商品ID", "我的商品ID", "本品ID")},
        "competitor_product_id": {SYCM: ("竞品ID", "竞品商品ID", "竞品宝贝ID")},
        "competitor_shop": {SYCM: ("竞品店铺", "竞品店铺名称", "店铺名称")},
        "competitor_title": {SYCM: ("竞品标题", "竞品名称", "竞品商品名称")},
        "competitor_price": {SYCM: ("竞品价格", "竞品售价")},
        "competitor_sales": {SYCM: ("竞品销量", "竞品支付件数")},
        "lost_buyers": {SYCM: ("流失人数", "顾客流失人数", "流失买家数")},
    },
    "creatives": {
        "creative_id": {ADS: ("创意ID", "素材ID", "创意编号")},
        "product_id": dict(_PRODUCT_ID),
        "kind": {ADS: ("创意类型", "素材类型")},
        "path": {ADS: ("素材地址", "图片地址", "创意地址")},
        "text": {ADS: ("创意标题", "标题文案")},
        "created_at": {ADS: ("创建时间", "上传时间")},
        "status": {ADS: ("创意状态", "素材状态")},
    },
    "creative_stats": {
        "date": {ADS: ("日期", "统计日期")},
        "creative_id": {ADS: ("创意ID", "素材ID", "创意编号")},
        "audience": {ADS: ("人群", "人群名称", "定向人群")},
        "product_id": dict(_PRODUCT_ID),
        "impressions": {ADS: ("展现量", "曝光量")},
        "clicks": {ADS: ("点击量", "点击数")},
        "add_to_cart": {ADS: ("加购人数", "总购物车数", "加购数")},
        "buyers": {ADS: ("支付买家数", "成交人数")},
        "gmv": {ADS: ("支付金额", "成交金额", "总成交金额")},
    },
    "customers": {
        "customer_id": {
            QN: ("买家会员名", "买家昵称", "会员ID", "客户ID"),
            SHOPIFY: ("Customer ID",),
        },
        "first_seen_at": {QN: ("首次购买时间", "首次下单时间")},
        "gender": {QN: ("性别",)},
        "age_band": {QN: ("年龄段", "年龄")},
        "province": {
            QN: ("省份", "所在省份", "省"),
            SHOPIFY: ("Province", "Default Address Province Code"),
        },
        "city": {QN: ("城市", "所在城市", "市"), SHOPIFY: ("City", "Default Address City")},
        "member_level": {QN: ("会员等级", "会员级别")},
        "tags": {QN: ("标签", "客户标签"), SHOPIFY: ("Tags",)},
    },
    "promotions": {
        "promotion_id": {QN: ("活动ID", "活动编号")},
        "name": {QN: ("活动名称",)},
        "kind": {QN: ("活动类型", "优惠类型")},
        "start_at": {QN: ("开始时间", "活动开始时间")},
        "end_at": {QN: ("结束时间", "活动结束时间")},
    },
}

Values = dict[str, dict[str, tuple[str, ...]]]

VALUE_SPEC: dict[tuple[str, str], Values] = {
    ("orders", "status"): {
        "created": {
            QN: ("等待买家付款", "待付款"),
            SHOPIFY: ("pending", "authorized", "partially_paid"),
        },
        "paid": {
            QN: ("买家已付款，等待卖家发货", "等待卖家发货", "待发货", "卖家部分发货"),
            SHOPIFY: ("paid", "partially_refunded", "unfulfilled", "partial"),
        },
        "shipped": {
            QN: ("卖家已发货，等待买家确认", "卖家已发货", "已发货", "待收货"),
            SHOPIFY: ("fulfilled",),
        },
        "delivered": {QN: ("买家已签收", "已签收")},
        "completed": {QN: ("交易成功", "已完成")},
        "cancelled": {QN: ("已取消", "交易取消"), SHOPIFY: ("voided",), GENERIC: ("canceled",)},
        "closed": {QN: ("交易关闭", "交易自动关闭", "已关闭"), SHOPIFY: ("refunded", "restocked")},
    },
    ("products", "status"): {
        "on_sale": {QN: ("出售中", "在售", "已上架", "上架"), SHOPIFY: ("active",)},
        "off_shelf": {QN: ("仓库中", "已下架", "下架", "待上架"), SHOPIFY: ("draft", "archived")},
    },
    ("refunds", "kind"): {
        "refund_only": {QN: ("仅退款", "否"), GENERIC: ("refund only",)},
        "return_refund": {QN: ("退货退款", "是"), GENERIC: ("return and refund", "return")},
        "exchange": {QN: ("换货",)},
        "reship": {QN: ("补寄", "补发"), GENERIC: ("resend",)},
    },
    ("refunds", "status"): {
        "requested": {
            QN: ("待处理", "退款中", "买家已经申请退款，等待卖家同意", "等待卖家同意"),
            GENERIC: ("pending", "open"),
        },
        "approved": {
            QN: (
                "卖家已经同意退款，等待买家退货",
                "买家已经退货，等待卖家确认收货",
                "已同意",
                "同意退款",
                "待买家退货",
            ),
        },
        "rejected": {QN: ("卖家拒绝退款", "卖家拒绝", "已拒绝", "拒绝退款")},
        "completed": {QN: ("退款成功", "已退款", "售后成功"), GENERIC: ("refunded",)},
        "cancelled": {QN: ("退款关闭", "已撤销", "售后关闭"), GENERIC: ("closed", "canceled")},
    },
    ("messages", "sender"): {
        "customer": {QN: ("买家", "顾客", "客户"), GENERIC: ("buyer", "user")},
        "agent": {QN: ("客服", "卖家", "人工客服", "商家"), GENERIC: ("seller", "staff", "human")},
        "bot": {
            QN: ("机器人", "店小蜜", "智能客服", "阿里店小蜜"),
            GENERIC: ("robot", "assistant"),
        },
    },
    ("creatives", "kind"): {
        "main_image": {ADS: ("主图", "首图")},
        "image": {ADS: ("图片", "副图", "详情图")},
        "video": {ADS: ("视频", "主图视频")},
        "title": {ADS: ("标题", "推广标题")},
    },
    ("creatives", "status"): {
        "testing": {ADS: ("测试中", "测图中")},
        "live": {ADS: ("投放中", "生效中", "使用中")},
        "retired": {ADS: ("已下线", "已停用", "已删除")},
    },
    ("promotions", "kind"): {
        "discount": {QN: ("单品宝", "限时折扣", "折扣", "打折")},
        "threshold": {QN: ("满减", "店铺满减", "满就送", "跨店满减", "满件折")},
        "coupon": {QN: ("优惠券", "店铺优惠券", "商品优惠券")},
        "bundle": {QN: ("搭配宝", "搭配套餐")},
        "presale": {QN: ("预售", "定金预售", "全款预售")},
        "flash": {QN: ("聚划算", "秒杀", "淘抢购", "限时秒杀")},
    },
}

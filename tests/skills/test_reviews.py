"""review_summary reads complaints in any language the embedding model reads (scripted texts)."""

from __future__ import annotations

from pathlib import Path

from shopkeeper.skills.review_topics import nearest, topics_of_texts
from shopkeeper.store.importer import import_store
from shopkeeper.text import has_cjk

from .conftest import TINY, TINY_TOML, Stores

REVIEWS = """review_id,order_id,sku_id,created_at,rating,text
R1,O1,TEA,2026-03-02T10:00:00,1,Não recebi o produto até agora
R2,O2,TEA,2026-03-03T10:00:00,2,atraso na entrega
R3,O3,CUP,2026-03-04T10:00:00,1,"sem estoque, cancelaram minha compra"
R4,O4,TEA,2026-03-05T10:00:00,1,物流太慢了，等了十天
R5,O5,SPN,2026-03-05T11:00:00,2,A entrega atrasou uma semana
R6,O6,CUP,2026-03-06T10:00:00,5,"produto ótimo, recomendo"
"""


def test_prototypes_read_portuguese_spanish_chinese_and_english() -> None:
    texts = [
        "não recebi",
        "atraso na entrega",
        "sem estoque",
        "el paquete nunca llegó",
        "The seller cancelled because it was out of stock",
        "produto ótimo, recomendo",
        "great product, love it",
    ]
    assert nearest(texts) == [
        "not_received",
        "late",
        "out_of_stock",
        "not_received",
        "out_of_stock",
        None,
        None,
    ]
    # the lexicon reads zh/en first (with negation: a praise is no complaint)
    assert topics_of_texts(["包装破了", "包装很用心，没有压坏", None]) == [["damaged"], [], []]


def test_portuguese_reviews_get_topics_and_replies_in_the_store_language(
    stores: Stores, tmp_path: Path
) -> None:
    src = tmp_path / "pt"
    src.mkdir()
    (src / "store.toml").write_text(TINY_TOML, encoding="utf-8")
    for name in ("products.csv", "orders.csv", "order_items.csv"):
        (src / name).write_text(TINY[name], encoding="utf-8")
    (src / "reviews.csv").write_text(REVIEWS, encoding="utf-8")
    import_store(src, "pt-reviews", settings=stores.settings)
    out = stores.run("pt-reviews", "review_summary", {"end": "2026-03-06", "days": 7})
    counts = {t.topic: t.reviews for t in out.top_negative_topics}
    assert counts == {"late": 3, "not_received": 1, "out_of_stock": 1}
    assert out.negative == 5
    assert {t.label for t in out.top_negative_topics} >= {"not received", "out of stock"}
    replies = [r.params["text"] for r in out.recommendations if r.action == "reply_review"]
    assert replies
    assert not any(has_cjk(t) for t in replies)  # an English store replies in English
    zh = stores.registry.get("review_summary")(
        stores.ctx("pt-reviews", "zh"), {"end": "2026-03-06", "days": 7}
    )
    assert "未收到货" in zh.render("zh")
    assert not any(has_cjk(r.params["text"]) for r in zh.recommendations if r.action)

"""A buyer writing a SKU or listing id (``WH-73491``, ``8000000000123``) asks about that item: the
id looks like an order id, but the store's own SKU and product ids are never taken for one."""

from __future__ import annotations

from shopkeeper.cs.engine import CsEngine
from shopkeeper.cs.engine.slots import order_ids
from shopkeeper.cs.messages import CsMessage
from shopkeeper.settings import Settings

from ...dates import NOW


def test_a_sku_id_is_not_an_order_id(pets: tuple[Settings, CsEngine]) -> None:
    _, engine = pets
    cat = engine.store("pets-en").catalogue()
    sku = next(s for s in sorted(cat.skus.values(), key=lambda s: s.sku_id) if "-" in s.sku_id)
    assert order_ids(f"Is {sku.sku_id} in stock?") == [sku.sku_id]  # the bare pattern takes it
    for n, said in enumerate((f"Is {sku.sku_id} in stock?", f"how much is {sku.product_id}")):
        message = CsMessage(conversation_id=f"sku-id-{n}", customer_id="q-sku-id", text=said)
        reply = engine.handle_message("pets-en", message, now=NOW)
        assert reply.intent != "order_status", reply.reply
        assert "couldn't find" not in reply.reply, reply.reply
        assert sku.title in reply.reply, reply.reply

"""The merchant request set (``requests_set.py``) on the zh and en demo stores: offline routing
≥ 90% right, every action request a proposal or a precise question, no in-scope request refused."""

from __future__ import annotations

import pytest

from shopkeeper.agents.intents import INTENTS, OUT_OF_SCOPE
from shopkeeper.agents.offline import OfflineModel
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from ..dates import END
from .conftest import DEMO
from .requests_set import REQUESTS, Figures, evaluate

EN = "demo-en"


def store_ids(settings: Settings, store: str) -> dict[str, str]:
    """Real ids of a store for the set's ``{sku_id}`` and ``{campaign_id}``."""
    with Warehouse.open(settings.store_dir(store), read_only=True) as wh:
        sku = wh.con.execute(
            "SELECT sku_id FROM products WHERE status = 'on_sale' ORDER BY sku_id LIMIT 1"
        ).fetchone()
        campaign = wh.con.execute(
            "SELECT campaign_id FROM ad_campaigns WHERE daily_budget > 0 ORDER BY campaign_id LIMIT 1"
        ).fetchone()
    assert sku is not None
    assert campaign is not None
    return {"sku_id": str(sku[0]), "campaign_id": str(campaign[0])}


@pytest.fixture(scope="module")
def figures(demo: Settings) -> Figures:
    create_demo(demo, EN, scale=0.2, seed=11, end_date=END, lang="en")
    app = app_context(demo)
    contexts = {"zh": app.store(DEMO), "en": app.store(EN)}
    ids = {"zh": store_ids(demo, DEMO), "en": store_ids(demo, EN)}
    return evaluate(OfflineModel(demo, load_registry()), contexts, ids)


def test_the_set_is_large_bilingual_and_apart_from_the_router_examples() -> None:
    assert len(REQUESTS) >= 80
    assert sum(r.lang == "zh" for r in REQUESTS) >= 30
    assert sum(r.lang == "en" for r in REQUESTS) >= 30
    examples = {e.lower() for i in INTENTS for e in i.examples} | {e.lower() for e in OUT_OF_SCOPE}
    assert not [r.text for r in REQUESTS if r.text.lower() in examples]


def test_offline_routing_is_right_for_nine_in_ten(figures: Figures) -> None:
    assert figures.routing >= 0.9, "\n".join(figures.lines())


def test_no_in_scope_request_is_refused(figures: Figures) -> None:
    assert not figures.refused, "\n".join(figures.lines())


def test_every_action_request_yields_a_proposal_or_a_question(figures: Figures) -> None:
    assert figures.actions
    assert figures.proposed_or_asked == 1.0, "\n".join(figures.lines())

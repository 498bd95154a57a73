"""The merchant request sets on the zh and en demo stores: the tuned set (``requests_set.py``) and
two held-out sets written apart from the router (``requests_heldout.py``, ``requests_heldout2.py``;
their first-run scores are in their docstrings). Each is held to the same targets: offline routing
≥ 90% right, every action request a proposal or a precise question, no in-scope request refused;
each held-out set shares no sentence with the router's examples or the sets before it."""

from __future__ import annotations

import pytest

from shopkeeper.agents.intents import INTENTS
from shopkeeper.agents.offline import OfflineModel
from shopkeeper.agents.scope import OUT_OF_SCOPE
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillContext, load_registry
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse

from ..contexts import app_context
from ..dates import END
from .conftest import DEMO
from .requests_heldout import HELDOUT
from .requests_heldout2 import HELDOUT2
from .requests_set import REQUESTS, Figures, Request, evaluate

EN = "demo-en"

SETS: dict[str, tuple[Request, ...]] = {"tuned": REQUESTS, "heldout": HELDOUT, "heldout2": HELDOUT2}
"""Each set, in the order it was written."""
MINIMUM = {"tuned": (80, 30), "heldout": (60, 30), "heldout2": (40, 20)}
"""Per set: at least this many requests, and this many in each language."""


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
def stores(demo: Settings) -> tuple[dict[str, SkillContext], dict[str, dict[str, str]]]:
    create_demo(demo, EN, scale=0.2, seed=11, end_date=END, lang="en")
    app = app_context(demo)
    contexts: dict[str, SkillContext] = {"zh": app.store(DEMO), "en": app.store(EN)}
    return contexts, {"zh": store_ids(demo, DEMO), "en": store_ids(demo, EN)}


@pytest.fixture(scope="module", params=list(SETS))
def figures(
    request: pytest.FixtureRequest,
    demo: Settings,
    stores: tuple[dict[str, SkillContext], dict[str, dict[str, str]]],
) -> Figures:
    contexts, ids = stores
    return evaluate(OfflineModel(demo, load_registry()), contexts, ids, SETS[request.param])


@pytest.mark.parametrize("name", list(SETS))
def test_each_set_is_bilingual_and_apart_from_the_examples_and_the_sets_before_it(
    name: str,
) -> None:
    requests, (total, per_lang) = SETS[name], MINIMUM[name]
    assert len(requests) >= total
    assert sum(r.lang == "zh" for r in requests) >= per_lang
    assert sum(r.lang == "en" for r in requests) >= per_lang
    seen = {e.lower() for i in INTENTS for e in i.examples} | {e.lower() for e in OUT_OF_SCOPE}
    for earlier in list(SETS)[: list(SETS).index(name)]:
        seen |= {r.text.lower() for r in SETS[earlier]}
    assert not [r.text for r in requests if r.text.lower() in seen]


def test_the_held_out_sets_hold_follow_ups_and_multi_step_requests() -> None:
    assert any(r.before for r in HELDOUT)
    assert any(len(r.before) >= 2 for r in HELDOUT2)
    assert any(len(r.skills) >= 2 for r in HELDOUT2)


def test_offline_routing_is_right_for_nine_in_ten(figures: Figures) -> None:
    assert figures.routing >= 0.9, "\n".join(figures.lines())


def test_no_in_scope_request_is_refused(figures: Figures) -> None:
    assert not figures.refused, "\n".join(figures.lines())


def test_every_action_request_yields_a_proposal_or_a_question(figures: Figures) -> None:
    assert figures.actions
    assert figures.proposed_or_asked == 1.0, "\n".join(figures.lines())

"""The second held-out request set (``requests_heldout2.py``) on the zh and en demo stores: the
same targets as the other sets — offline routing ≥ 90% right, every action request a proposal or
a precise question, no in-scope request refused."""

from __future__ import annotations

import pytest

from shopkeeper.agents.intents import INTENTS, OUT_OF_SCOPE
from shopkeeper.agents.offline import OfflineModel
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import load_registry
from shopkeeper.store.service import create_demo

from ..contexts import app_context
from ..dates import END
from .conftest import DEMO
from .requests_heldout import HELDOUT
from .requests_heldout2 import HELDOUT2
from .requests_set import REQUESTS, Figures, evaluate
from .test_understanding import EN, store_ids


@pytest.fixture(scope="module")
def figures(demo: Settings) -> Figures:
    create_demo(demo, EN, scale=0.2, seed=11, end_date=END, lang="en")
    app = app_context(demo)
    contexts = {"zh": app.store(DEMO), "en": app.store(EN)}
    ids = {"zh": store_ids(demo, DEMO), "en": store_ids(demo, EN)}
    return evaluate(OfflineModel(demo, load_registry()), contexts, ids, HELDOUT2)


def test_the_set_is_bilingual_and_apart_from_the_examples_and_the_other_sets() -> None:
    assert sum(r.lang == "zh" for r in HELDOUT2) >= 20
    assert sum(r.lang == "en" for r in HELDOUT2) >= 20
    assert any(len(r.before) >= 2 for r in HELDOUT2)
    assert any(len(r.skills) >= 2 for r in HELDOUT2)
    seen = {e.lower() for i in INTENTS for e in i.examples} | {e.lower() for e in OUT_OF_SCOPE}
    seen |= {r.text.lower() for r in REQUESTS + HELDOUT}
    assert not [r.text for r in HELDOUT2 if r.text.lower() in seen]


def test_offline_routing_is_right_for_nine_in_ten(figures: Figures) -> None:
    assert figures.routing >= 0.9, "\n".join(figures.lines())


def test_no_in_scope_request_is_refused(figures: Figures) -> None:
    assert not figures.refused, "\n".join(figures.lines())


def test_every_action_request_yields_a_proposal_or_a_question(figures: Figures) -> None:
    assert figures.actions
    assert figures.proposed_or_asked == 1.0, "\n".join(figures.lines())

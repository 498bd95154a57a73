"""docs/cs-api.md documents every field of every customer-service model, and no other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from shopkeeper.api import cs, cs_backend
from shopkeeper.cs import messages

DOC = Path(__file__).parents[2] / "docs" / "cs-api.md"
MODELS: dict[str, type[BaseModel]] = {
    "CsMessage": messages.CsMessage,
    "CsReply": messages.CsReply,
    "ActionOutcome": messages.ActionOutcome,
    "Source": messages.Source,
    "ConversationView": cs_backend.ConversationView,
    "Turn": cs_backend.Turn,
    "QueueEntry": cs_backend.QueueEntry,
    "HumanReplyIn": cs_backend.HumanReplyIn,
    "SuggestIn": cs_backend.SuggestIn,
    "Suggestion": cs_backend.Suggestion,
    "OutcomeIn": cs_backend.OutcomeIn,
    "RecordedOutcome": cs.RecordedOutcome,
    "AdoptionStats": cs_backend.AdoptionStats,
}


def documented() -> dict[str, list[str]]:
    sections = re.split(r"^### (\w+)\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    return {
        name: re.findall(r"^\| `(\w+)` \|", body, flags=re.M)
        for name, body in zip(sections[1::2], sections[2::2], strict=True)
    }


@pytest.mark.parametrize("name", sorted(MODELS))
def test_documented_fields_match_the_model(name: str) -> None:
    assert documented()[name] == list(MODELS[name].model_fields)


def test_every_documented_model_is_checked() -> None:
    assert set(documented()) == set(MODELS)


def test_documented_routes_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    for route in cs.router.routes:
        path = getattr(route, "path", "").removeprefix("/v1/stores/{store}/cs")
        if path != "/conversations/{conversation_id}":
            path = re.sub(r"\{\w+\}", "{id}", path)
        assert path in text, path

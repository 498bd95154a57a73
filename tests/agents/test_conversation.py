"""Chat carries the conversation: follow-ups refine the previous turn (period, product, amount),
through the service, the CLI's ``chat`` and ``POST /ask`` with a ``conversation_id``."""

from __future__ import annotations

from typer.testing import CliRunner

from shopkeeper.agents.answers import AskResult
from shopkeeper.agents.conversations import new_id, record_turn
from shopkeeper.agents.service import ask
from shopkeeper.cli.main import app as cli
from shopkeeper.context import AppContext
from shopkeeper.settings import Settings

from ..contexts import app_context
from .conftest import DEMO


def _chat(app: AppContext, *lines: str) -> list[AskResult]:
    conversation, out = new_id(), []
    for line in lines:
        result = ask(app, DEMO, line, conversation_id=conversation)
        record_turn(app.engine, DEMO, conversation, result.run_id, asked_by="test")
        out.append(result)
    return out


def test_a_follow_up_compares_with_the_same_day_last_week(demo: Settings) -> None:
    first, second = _chat(app_context(demo), "昨天卖了多少？", "那跟上周同一天比呢？")
    assert first.sources[0].arguments == {"days": 1}
    assert [(s.skill, s.arguments) for s in second.sources] == [
        ("sales_summary", {"days": 1}),
        ("sales_summary", {"days": 1, "offset_days": 7}),
    ]


def test_the_day_before_moves_the_period_back(demo: Settings) -> None:
    _, second = _chat(app_context(demo), "how much did we sell yesterday", "And the day before?")
    assert second.status == "ok"
    assert [(s.skill, s.arguments) for s in second.sources] == [
        ("sales_summary", {"days": 1, "offset_days": 1})
    ]
    assert "Sources" in second.answer


def test_without_a_conversation_a_follow_up_is_not_answered_from_another(demo: Settings) -> None:
    app = app_context(demo)
    _chat(app, "昨天卖了多少？")
    alone = ask(app, DEMO, "And the day before?")
    assert alone.sources == [] or alone.sources[0].arguments.get("offset_days") is None


def test_a_reply_narrows_the_product_an_action_asked_about(demo: Settings) -> None:
    asked, narrowed = _chat(app_context(demo), "把肯尼亚挂耳的价格调到25块", "10片的呢")
    assert "是哪一个" in asked.answer
    assert "change_price" in narrowed.answer or "价格" in narrowed.answer
    assert "是哪一个" not in narrowed.answer


def test_a_new_question_in_a_conversation_is_not_a_follow_up(demo: Settings) -> None:
    _, second = _chat(app_context(demo), "昨天卖了多少？", "哪些商品快断货了")
    assert second.skills == ["stock_status"]


def test_chat_follows_up_the_previous_line(demo: Settings) -> None:
    result = CliRunner().invoke(
        cli, ["chat", "--store", DEMO], input="昨天卖了多少\n那跟上周同一天比呢\nexit\n"
    )
    assert result.exit_code == 0, result.output
    assert "offset_days=7" in result.output


def test_ask_over_the_api_takes_a_conversation_id(demo: Settings) -> None:
    from fastapi.testclient import TestClient

    from shopkeeper.api.app import create_app
    from shopkeeper.api.tokens import create_token
    from shopkeeper.opsdb import ops_engine

    owner = create_token(ops_engine(demo), DEMO, "owner").token
    headers = {"Authorization": f"Bearer {owner}"}
    with TestClient(create_app(demo)) as client:
        url = f"/v1/stores/{DEMO}/ask"
        first = client.post(
            url, json={"question": "昨天卖了多少", "conversation_id": "c-13"}, headers=headers
        )
        assert first.status_code == 200, first.text
        second = client.post(
            url, json={"question": "那前一天呢", "conversation_id": "c-13"}, headers=headers
        )
        assert second.status_code == 200, second.text
    assert second.json()["sources"][0]["arguments"] == {"days": 1, "offset_days": 1}

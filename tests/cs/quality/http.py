"""Play the conversation set through the HTTP API, as acceptance does: the real app (real engine,
real stores) behind ``TestClient``, a staff ``cs`` token per store (an integration that vouches for
``customer_id``), each turn posted to ``POST /v1/stores/{store}/cs/messages``.

The app's clock is set to each case's moment before its turns (the in-process runner passes the
same moment to the engine), so both ways answer the same conversation at the same time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.tokens import create_token
from shopkeeper.clock import Clock
from shopkeeper.cs.messages import CsMessage, CsReply
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry

from .runner import Case, Result, Send, run_case_with


class SetClock(Clock):
    """A clock that reads whatever moment it was last set to."""

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(start)
        self.at = start

    def __call__(self) -> dt.datetime:
        return self.at


class HttpPlayer:
    """Plays cases through one running app."""

    def __init__(self, client: TestClient, clock: SetClock, tokens: dict[str, str]) -> None:
        self.client, self.clock, self.tokens = client, clock, tokens

    def send(self, case: Case) -> Send:
        headers = {"Authorization": f"Bearer {self.tokens[case.store]}"}
        url = f"/v1/stores/{case.store}/cs/messages"

        def post(message: CsMessage) -> CsReply:
            body = message.model_dump(mode="json", exclude_none=True)
            r = self.client.post(url, json=body, headers=headers)
            assert r.status_code == 200, r.text
            return CsReply.model_validate(r.json())

        return post

    def play(self, case: Case) -> Result:
        self.clock.at = case.now
        return run_case_with(self.send(case), case)


@contextmanager
def http_player(settings: Settings, stores: list[str], now: dt.datetime) -> Iterator[HttpPlayer]:
    """The API on ``settings``' home with a ``cs`` token for each of ``stores``."""
    engine = ops_engine(settings)
    tokens = {s: create_token(engine, s, "cs", label="quality").token for s in stores}
    engine.dispose()
    clock = SetClock(now)
    app = create_app(settings, now=clock, registry=SkillRegistry(), tick_every_s=3600)
    with TestClient(app) as client:
        yield HttpPlayer(client, clock, tokens)

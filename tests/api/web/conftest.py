"""One demo store (and a second one) per test module, served by the app, and tokens of every role
— an ``agency`` token bound to both stores among them."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.tokens import create_token
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings, get_settings
from shopkeeper.skills.registry import SkillRegistry, load_registry
from shopkeeper.store.service import create_demo

from ...dates import END

DEMO, OTHER = "demo", "other"
ORIGIN = {"Origin": "http://testserver"}


@dataclass
class WebApp:
    """The served app, its settings and a token per role."""

    settings: Settings
    client: TestClient
    tokens: dict[str, str]

    def login(self, role: str) -> tuple[TestClient, str]:
        """A fresh browser logged in with ``role``'s token, and its CSRF token."""
        browser = TestClient(self.client.app)
        done = browser.post(
            "/login", data={"token": self.tokens[role]}, headers=ORIGIN, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        return browser, csrf(browser.get("/login").text)


def csrf(html: str) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@functools.cache
def registry() -> SkillRegistry:
    """The skill registry, loaded once."""
    return load_registry()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """The app over a home with ``demo`` and ``other``, tokens made."""
    home = tmp_path_factory.mktemp("sk-web")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        create_demo(settings, DEMO, scale=0.2, seed=11, end_date=END)
        create_demo(settings, OTHER, scale=0.05, seed=3, end_date=END, lang="en")
        engine = ops_engine(settings)
        tokens = {
            role: create_token(engine, DEMO, role).token for role in ("owner", "ops", "ads", "cs")
        }
        tokens["other-owner"] = create_token(engine, OTHER, "owner").token
        tokens["agency"] = create_token(engine, DEMO, "agency", stores=[OTHER]).token
        engine.dispose()
        with TestClient(create_app(settings, registry=registry())) as client:
            yield WebApp(settings, client, tokens)
    get_settings.cache_clear()


_PROPOSED = itertools.count()


def propose_price_change(web: WebApp) -> str:
    """A pending ``change_price`` (+20% on a SKU not changed before) proposed over the API; its
    action id.
    """
    from shopkeeper.store.warehouse import Warehouse

    with Warehouse.open(web.settings.store_dir(DEMO), read_only=True) as wh:
        sku, price = wh.con.execute(
            "SELECT sku_id, price::DOUBLE FROM products WHERE cost < price * 0.7 "
            "ORDER BY sku_id LIMIT 1 OFFSET ?",
            [next(_PROPOSED)],
        ).fetchone()  # type: ignore[misc]
    reply = web.client.post(
        f"/v1/stores/{DEMO}/actions",
        headers={"Authorization": f"Bearer {web.tokens['owner']}"},
        json={"action": "change_price", "params": {"sku_id": sku, "price": round(price * 1.2, 2)}},
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["status"] == "pending"
    return str(reply.json()["action_id"])

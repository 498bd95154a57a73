"""The pages take their words from the catalogue (:mod:`shopkeeper.text`) and write prices in the
store's currency: no template picks a language inline or hard-codes ¥."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopkeeper.api import pages
from shopkeeper.settings import Settings, get_settings
from shopkeeper.store.importer import import_store

from ..ops.test_approvals import _store
from .conftest import DEMO, OTHER

TEMPLATES = Path(pages.__file__).parent / "templates"


@pytest.fixture(scope="module")
def api_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """``demo``: a Chinese store in CNY; ``other``: an English one in USD."""
    home = tmp_path_factory.mktemp("sk-pages")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPKEEPER_HOME", str(home))
        get_settings.cache_clear()
        settings = Settings()
        src = home.parent / f"{home.name}-src"
        import_store(_store(src / DEMO), DEMO, settings=settings)
        us = _store(src / OTHER)
        (us / "store.toml").write_text(
            'name = "US"\ntimezone = "America/New_York"\ncurrency = "USD"\nlanguage = "en"\n',
            encoding="utf-8",
        )
        import_store(us, OTHER, settings=settings)
        yield settings
    get_settings.cache_clear()


def test_the_sample_page_is_in_the_store_language_and_currency(client: TestClient) -> None:
    us = client.get(f"/widget/{OTHER}", params={"key": "wk_x"}).text
    assert "Sample store page" in us
    assert "Drip coffee, 10 bags" in us
    assert "$39.90" in us
    assert "¥" not in us
    assert 'data-lang="en"' in us
    cn = client.get(f"/widget/{DEMO}", params={"key": "wk_x"}).text
    assert "挂耳咖啡 10 包" in cn
    assert "¥39.90" in cn
    assert 'data-lang="zh"' in cn
    asked = client.get(f"/widget/{DEMO}", params={"key": "wk_x", "lang": "en"}).text
    assert "Drip coffee, 10 bags" in asked
    assert "¥39.90" in asked  # the buyer's language, the store's currency


def test_a_store_without_data_gets_the_page_without_prices(client: TestClient) -> None:
    page = client.get("/widget/empty", params={"key": "wk_x"})
    assert page.status_code == 200
    assert "挂耳咖啡 10 包" in page.text
    assert 'class="price"' not in page.text


def test_the_widget_script_carries_the_catalogue_words(client: TestClient) -> None:
    script = client.get(f"/widget/{DEMO}.js").text
    assert '"send": "发送"' in script
    assert '"send": "Send"' in script
    assert '"reship": "补发"' in script
    body = (Path(pages.__file__).parent / "static" / "cs-widget.js").read_text(encoding="utf-8")
    assert "在线客服" not in body  # the words live in the catalogue, not in the script


@pytest.mark.parametrize("template", sorted(TEMPLATES.iterdir()), ids=lambda p: p.name)
def test_no_template_picks_a_language_inline_or_hard_codes_a_currency(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"lang\s*==", text)
    assert "¥" not in text

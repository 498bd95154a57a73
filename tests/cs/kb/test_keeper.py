"""The service keeps knowledge bases built and current: missing → built, import → rebuilt."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from shopkeeper.cs.kb.keeper import KbKeeper, refresh, staleness, stores
from shopkeeper.settings import Settings
from shopkeeper.store.service import create_demo

from ...dates import END


class HashEmbedder:
    """Deterministic, instant vectors (the keeper does not care what they mean)."""

    name = "test-hash"
    dim = 384

    def __init__(self) -> None:
        self.encoded = 0

    def _vector(self, text: str) -> np.ndarray:
        seed = int(hashlib.md5(text.encode()).hexdigest()[:8], 16)
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def passages(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def clip(self, text: str) -> str:
        return " ".join(text.split())[:200]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    s = Settings(home=tmp_path_factory.mktemp("keeper"))
    create_demo(s, "a", scale=0.05, seed=3, end_date=END)
    create_demo(s, "b", scale=0.05, seed=4, end_date=END, lang="en")
    (s.home / "stores" / "no-warehouse").mkdir()
    return s


def _touch_warehouse(settings: Settings, store: str) -> None:
    later = time.time() + 5
    os.utime(settings.store_dir(store) / "warehouse.duckdb", (later, later))


def test_missing_knowledge_bases_are_built_then_left_alone(settings: Settings) -> None:
    assert stores(settings) == ["a", "b"]
    assert staleness(settings, "a") == "missing"
    embedder = HashEmbedder()
    built = refresh(settings, embedder)
    assert sorted(built) == ["a", "b"]
    assert all(r.entries > 0 for r in built.values())
    assert staleness(settings, "a") is None
    assert refresh(settings, embedder) == {}  # nothing changed: nothing rebuilt


def test_an_import_after_the_build_makes_it_stale_and_the_rebuild_is_incremental(
    settings: Settings,
) -> None:
    embedder = HashEmbedder()
    refresh(settings, embedder)
    _touch_warehouse(settings, "a")
    assert staleness(settings, "a") == "data changed"
    assert staleness(settings, "b") is None
    built = refresh(settings, embedder)
    assert list(built) == ["a"]
    assert built["a"].embedded == 0
    assert built["a"].reused == built["a"].entries
    assert embedder.encoded == 0


def test_a_broken_store_is_logged_and_the_others_go_on(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    broken = settings.home / "stores" / "broken"
    broken.mkdir()
    (broken / "warehouse.duckdb").write_bytes(b"not a database")
    try:
        _touch_warehouse(settings, "b")
        failed: dict[str, float] = {}
        with caplog.at_level(logging.ERROR, logger="shopkeeper.kb"):
            built = refresh(settings, HashEmbedder(), failed)
        assert "b" in built
        assert "broken" not in built
        assert list(failed) == ["broken"]
        assert sum("'broken'" in r.getMessage() for r in caplog.records) == 1
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="shopkeeper.kb"):
            refresh(settings, HashEmbedder(), failed)  # same data: not tried (nor logged) again
        assert not caplog.records
        _touch_warehouse(settings, "broken")
        with caplog.at_level(logging.ERROR, logger="shopkeeper.kb"):
            refresh(settings, HashEmbedder(), failed)  # its data changed: tried again
        assert sum("'broken'" in r.getMessage() for r in caplog.records) == 1
    finally:
        shutil.rmtree(broken)


def test_the_keeper_builds_in_the_background_and_stops(tmp_path: Path) -> None:
    s = Settings(home=tmp_path)
    create_demo(s, "c", scale=0.05, seed=5, end_date=END)
    keeper = KbKeeper(s, every_s=0.05, embedder=HashEmbedder())
    keeper.start()
    deadline = time.monotonic() + 60
    while "c" not in keeper.built and time.monotonic() < deadline:
        time.sleep(0.05)
    keeper.stop()
    assert "c" in keeper.built
    assert staleness(s, "c") is None
    assert keeper.passes >= 1

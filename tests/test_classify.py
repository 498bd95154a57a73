"""The one offline classifier (keywords plus nearest examples) behind the agents' router and
店小蜜's intents, and its one caching strategy for example vectors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from shopkeeper import classify, embedding
from shopkeeper.agents.router import Router
from shopkeeper.classify import ExampleClassifier, ExampleVectors, Label
from shopkeeper.cs.engine.intents import IntentClassifier


def _fake_queries(calls: list[list[str]]) -> object:
    def queries(texts: list[str], threads: int | None = None) -> np.ndarray:
        calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int(hashlib.md5(text.split("#")[0].encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).normal(size=embedding.DIM).astype(np.float32)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)

    return queries


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Encodings asked of the shared embedding (a deterministic stand-in for e5)."""
    made: list[list[str]] = []
    monkeypatch.setattr(embedding, "queries", _fake_queries(made))
    return made


def test_keywords_match_whole_ascii_words_substrings_and_patterns() -> None:
    c = ExampleClassifier(
        [Label("refund", ("re:退.{0,2}款", "refund")), Label("stock", ("库存", "stock"))]
    )
    assert c.first_keyword("REFUNDS please") == "refund"
    assert c.first_keyword("要退个款") == "refund"
    assert c.first_keyword("查库存") == "stock"
    assert c.first_keyword("stockpile") is None
    assert c.keywords("refund and stock", 1) == ("stock",)
    assert c.first_keyword("refund the stock") == "refund"  # the first label wins


def test_the_nearest_example_counts_from_the_floor(calls: list[list[str]]) -> None:
    c = ExampleClassifier(
        [Label("a", examples=("alpha", "apple")), Label("b", examples=("beta",)), Label("c")],
        off_topic=("weather",),
    )
    assert c.nearest("beta#again", floor=0.99) == ("b", pytest.approx(1.0))
    assert c.nearest("zeta", floor=0.99)[0] is None
    best, off_topic = c.similarities("weather#today")
    assert best[2] == -1.0
    assert off_topic == pytest.approx(1.0)
    assert calls[0] == ["alpha", "apple", "beta", "weather"]  # the examples, encoded once


def test_example_vectors_come_from_the_shipped_file_then_the_cache(
    calls: list[list[str]], tmp_path: Path
) -> None:
    texts = ["one", "two"]
    first = ExampleVectors(cache_dir=tmp_path, name="t").vectors(texts)
    again = ExampleVectors(cache_dir=tmp_path, name="t").vectors(texts)
    assert len(calls) == 1
    assert np.array_equal(first, again)
    assert [p.name.split("-")[0] for p in tmp_path.glob("*.npy")] == ["t"]
    shipped = tmp_path / "shipped.npz"
    np.savez_compressed(shipped, texts=np.array(texts), vectors=first)
    assert np.array_equal(ExampleVectors(packaged=shipped).vectors(texts), first)
    assert len(calls) == 1


def test_the_router_and_the_cs_intents_are_two_instances_of_it(
    calls: list[list[str]], tmp_path: Path
) -> None:
    from shopkeeper.skills.registry import load_registry

    router = Router(load_registry(), cache_dir=tmp_path)
    intents = IntentClassifier(tmp_path)
    assert isinstance(router._classifier, classify.ExampleClassifier)
    assert isinstance(intents._classifier, classify.ExampleClassifier)
    assert intents.keyword_intent("我要退定金") == "deposit_refund"
    assert intents.classify("zzz", use_embeddings=False) == "other"

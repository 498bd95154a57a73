"""Complaint topics are read once, at import: every low review and refund reason is tagged with
exactly what :func:`topics_of` reads in it, a second import reads nothing again, a new lexicon
re-reads everything, and a warehouse of the previous version is tagged when it is first opened."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopkeeper.settings import Settings
from shopkeeper.store import topic_tags
from shopkeeper.store.complaints import topics_of
from shopkeeper.store.query import Query
from shopkeeper.store.service import create_demo
from shopkeeper.store.topic_tags import TAGS_TABLE, tag_texts, tagged_topics
from shopkeeper.store.warehouse import Warehouse

END = dt.date(2026, 11, 20)
TAGS_MIGRATION = 3
"""The migration that tagged the texts of warehouses made before tags."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = Settings(home=tmp_path_factory.mktemp("tags-home"))
    create_demo(settings, "tags", scale=0.05, seed=3, end_date=END)
    return settings.store_dir("tags")


def _texts(wh: Warehouse) -> set[str]:
    rows = wh.con.execute(
        """SELECT text FROM reviews WHERE rating <= 3 AND nullif(trim(text), '') IS NOT NULL
           UNION SELECT reason FROM refunds WHERE nullif(trim(reason), '') IS NOT NULL"""
    ).fetchall()
    return {str(r[0]) for r in rows}


def test_every_low_review_and_reason_is_tagged_as_topics_of_reads_it(store: Path) -> None:
    with Warehouse.open(store, read_only=True) as wh:
        texts = sorted(_texts(wh))
        assert len(texts) > 20
        stored = dict(
            wh.con.execute(
                f"""SELECT x.text, t.topics FROM (SELECT unnest(?::VARCHAR[]) AS text) x
                    JOIN {TAGS_TABLE} t ON t.text_hash = hash(x.text)""",
                [texts],
            ).fetchall()
        )
        assert set(stored) == set(texts)
        for text in texts:
            assert stored[text] == [t.key for t in topics_of(text)], text
        assert any(stored.values()), "the demo's low reviews name complaints"
        q = Query(wh.con, {})
        assert tagged_topics(q, texts) == [topics_of(t) for t in texts]


def test_tagging_is_idempotent_and_a_new_lexicon_reads_again(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Warehouse.open(store) as wh:
        assert tag_texts(wh.con) == 0
        before = wh.con.execute(f"SELECT count(*) FROM {TAGS_TABLE}").fetchone()
        monkeypatch.setattr(topic_tags, "LEXICON", "another-lexicon")
        q = Query(wh.con, {})
        texts = sorted(_texts(wh))
        # tags of another lexicon are not trusted: each text is read on the spot
        assert tagged_topics(q, texts[:5]) == [topics_of(t) for t in texts[:5]]
        assert tag_texts(wh.con) == len(texts)
        after = wh.con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE lexicon = 'another-lexicon') FROM {TAGS_TABLE}"
        ).fetchone()
        assert before is not None
        assert after is not None
        assert after[0] == after[1] == before[0]


def test_a_text_never_imported_is_read_on_the_spot(store: Path) -> None:
    with Warehouse.open(store, read_only=True) as wh:
        q = Query(wh.con, {})
        new = "包装破了，豆子撒了一箱子"
        assert [t.key for t in tagged_topics(q, [new, None, ""])[0]] == ["damaged"]
        assert tagged_topics(q, [None, ""]) == [[], []]


def test_a_warehouse_of_the_previous_version_is_tagged_when_opened(store: Path) -> None:
    with Warehouse.open(store) as wh:
        wh.con.execute(f"DROP TABLE {TAGS_TABLE}")
        wh.con.execute("DELETE FROM _migrations WHERE version >= ?", [TAGS_MIGRATION])
    with Warehouse.open(store, read_only=True) as wh:
        texts = _texts(wh)
        count = wh.con.execute(f"SELECT count(*) FROM {TAGS_TABLE}").fetchone()
        assert count is not None
        assert count[0] >= len(texts)


def test_a_new_lexicon_retags_the_warehouse_when_it_is_next_read(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_tags, "LEXICON", "a-later-release")
    with Warehouse.open(store, read_only=True) as wh:
        assert topic_tags.tags_current(wh.con)
        row = wh.con.execute(
            f"SELECT count(*) FILTER (WHERE lexicon <> 'a-later-release') FROM {TAGS_TABLE}"
        ).fetchone()
        assert row is not None
        assert row[0] == 0

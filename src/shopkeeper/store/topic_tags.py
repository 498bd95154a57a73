"""Complaint topics of the store's texts, read once when they are imported.

Tagging a Chinese text needs the jieba dictionary (about half a second to load) and a tokenizer
pass per text; an inspection reads thousands of low reviews. So the importer tags every text the
checks read — reviews of 3★ or less (the lexicon's topics are complaints; a 4-5★ review names none
worth reading for) and refund reasons — with :func:`~shopkeeper.store.complaints.topics_of`, and
keeps ``_text_topics(text_hash, topics)``: the topic keys of each distinct text, keyed by DuckDB's
``hash`` of the text and stamped with the lexicon's fingerprint (:data:`LEXICON`), so a release
with other terms reads its texts afresh instead of trusting tags of the old terms. A query joins it
with :func:`join_tags`; Python asks :func:`tagged_topics`, which tags on the spot any text the
table does not hold. Same text, same topics, wherever it is read: there is one reading of a text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import duckdb

from shopkeeper.store import complaint_lexicon
from shopkeeper.store.complaint_lexicon import BY_KEY, Topic
from shopkeeper.store.complaints import topics_of
from shopkeeper.store.query import Query

TAGS_TABLE = "_text_topics"

TAGGED: tuple[tuple[str, str, str], ...] = (
    ("reviews", "text", "rating <= 3"),
    ("refunds", "reason", "TRUE"),
)
"""``(table, column, which rows)`` whose texts are tagged at import."""

_MARK = "text_topics"
"""The ``_store`` key holding the :data:`LEXICON` the texts were last tagged with."""

TAGS_DDL = f"""CREATE TABLE IF NOT EXISTS {TAGS_TABLE} (
    text_hash UBIGINT PRIMARY KEY, lexicon VARCHAR, topics VARCHAR[])"""

READING = 1
"""Version of how :func:`~shopkeeper.store.complaints.topics_of` reads a text: bump it when the
reading changes without a change of the lexicon's terms."""

LEXICON = hashlib.sha256(
    repr(
        (
            READING,
            duckdb.__version__,  # ``hash`` may change with DuckDB: re-read rather than miss
            complaint_lexicon.TOPICS,
            sorted(complaint_lexicon.NEGATIONS_ZH),
            sorted(complaint_lexicon.NEGATIONS_EN),
        )
    ).encode()
).hexdigest()[:16]
"""Fingerprint of the lexicon, the reading and the DuckDB (its ``hash``) the tags were made with."""


def join_tags(text: str, alias: str = "tt") -> str:
    """SQL: ``LEFT JOIN`` of the tags of the text expression ``text`` as ``alias`` (its
    ``topics`` is NULL for a text not tagged with this lexicon).
    """
    return (
        f"LEFT JOIN {TAGS_TABLE} {alias} ON {alias}.text_hash = hash({text}) "
        f"AND {alias}.lexicon = '{LEXICON}'"
    )


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def tags_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse's texts were last tagged with this :data:`LEXICON` (a warehouse
    opened for reading is re-tagged first when not: queries join the tags and trust them).
    """
    try:
        row = con.execute(f"SELECT value FROM _store WHERE key = '{_MARK}'").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and json.loads(row[0]) == LEXICON


def tag_texts(con: duckdb.DuckDBPyConnection) -> int:
    """Tag every text of :data:`TAGGED` not tagged yet (inside the caller's transaction); return
    how many distinct texts were read. Idempotent: a text already tagged is not read again.
    """
    texts = _tag(con)
    con.execute("INSERT OR REPLACE INTO _store VALUES (?, ?)", [_MARK, json.dumps(LEXICON)])
    return texts


def _tag(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(TAGS_DDL)
    con.execute(f"DELETE FROM {TAGS_TABLE} WHERE lexicon IS DISTINCT FROM ?", [LEXICON])
    selects = [
        f"""SELECT DISTINCT "{column}" AS text FROM "{table}"
            WHERE {where} AND nullif(trim("{column}"), '') IS NOT NULL"""
        for table, column, where in TAGGED
        if _has_column(con, table, column)
    ]
    if not selects:
        return 0
    texts = [
        str(r[0])
        for r in con.execute(
            f"""SELECT DISTINCT x.text FROM ({" UNION ".join(selects)}) x
                WHERE NOT EXISTS (SELECT 1 FROM {TAGS_TABLE} t WHERE t.text_hash = hash(x.text))"""
        ).fetchall()
    ]
    if texts:
        keys = [[t.key for t in topics_of(text)] for text in texts]
        con.execute(
            f"""INSERT OR IGNORE INTO {TAGS_TABLE}
                SELECT DISTINCT ON (hash(text)) hash(text), ?, topics
                FROM (SELECT unnest(?::VARCHAR[]) AS text, unnest(?::VARCHAR[][]) AS topics)""",
            [LEXICON, texts, keys],
        )
    return len(texts)


def tagged_topics(q: Query, texts: Sequence[str | None]) -> list[list[Topic]]:
    """The complaint topics of each text (as :func:`~shopkeeper.store.complaints.topics_of`),
    from the warehouse's tags where it holds them.
    """
    wanted = sorted({t for t in texts if t})
    tagged: dict[str, list[str]] = {}
    if wanted:
        try:
            rows = q.con.execute(
                f"""SELECT x.text, tt.topics FROM (SELECT unnest(?::VARCHAR[]) AS text) x
                    {join_tags("x.text")} WHERE tt.topics IS NOT NULL""",
                [wanted],
            ).fetchall()
        except duckdb.CatalogException:  # a connection to something that is not a warehouse
            rows = []
        tagged = {str(text): list(keys) for text, keys in rows}
    out: list[list[Topic]] = []
    for text in texts:
        if not text:
            out.append([])
        elif text in tagged:
            out.append([BY_KEY[k] for k in tagged[text] if k in BY_KEY])
        else:
            out.append(topics_of(text))
    return out

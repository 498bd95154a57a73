"""Frequent pairs and triples, and the association rules among them, counted inside DuckDB.

The same measures as :mod:`shopkeeper.analytics.basket` (its plain-Python Apriori is the reference
the tests compare with), but the counting is a self-join of order lines in the warehouse, so memory
stays bounded by the frequent itemsets rather than by every combination in every basket:

1. items are kept when at least ``need`` baskets hold them, where ``need`` is
   ``max(min_count, ceil(min_support × baskets))`` — the threshold the answer prints;
2. a basket holding more than ``max_basket_items`` frequent items (a wholesale restock of the
   catalogue, not a choice of what goes together) is left out of the mining altogether, so
   supports, confidences and lifts are all shares of the same baskets; how many were left out is
   reported;
3. pairs are counted by joining a basket's lines with themselves; each basket's frequent pairs are
   then listed once, and triples are counted by joining that list with itself on the basket and the
   first item, keeping those whose third pair is frequent too (Apriori pruning): only frequent pairs
   are ever combined, and the join's key is (basket, first item) rather than the basket alone;
4. rules and bundles are ranked in SQL and only the first ``limit`` come back to Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shopkeeper.store.query import Query

MAX_BASKET_ITEMS = 100
"""Baskets with more frequent items than this are not mined (see the module docstring)."""

_TEMP = ("_bk_b", "_bk_l", "_bk_p", "_bk_pl", "_bk_t", "_bk_s", "_bk_r", "_bk_ids")


@dataclass(frozen=True)
class Mined:
    """What was mined: baskets counted and left out, the threshold, rules and bundles (item ids)."""

    baskets: int
    multi_item_baskets: int
    skipped_baskets: int
    need: int
    rules: list[dict[str, Any]]
    bundles: list[dict[str, Any]]


_RULES = """CREATE TEMP TABLE _bk_r AS
    WITH r AS (
        SELECT [x] AS lhs, [y] AS rhs, c, x, y, NULL::INT AS z FROM _bk_p
        UNION ALL SELECT [y], [x], c, x, y, NULL FROM _bk_p
        UNION ALL SELECT [x], [y, z], c, x, y, z FROM _bk_t UNION ALL SELECT [y], [x, z], c, x, y, z FROM _bk_t
        UNION ALL SELECT [z], [x, y], c, x, y, z FROM _bk_t UNION ALL SELECT [y, z], [x], c, x, y, z FROM _bk_t
        UNION ALL SELECT [x, z], [y], c, x, y, z FROM _bk_t UNION ALL SELECT [x, y], [z], c, x, y, z FROM _bk_t)
    SELECT r.lhs, r.rhs, r.c, r.x, r.y, r.z, r.c / $n AS support, a.c / $n AS sa, b.c / $n AS sc,
           r.c / a.c AS confidence, (r.c * $n) / (a.c * b.c) AS lift
    FROM r JOIN _bk_s a ON a.items = r.lhs JOIN _bk_s b ON b.items = r.rhs
    WHERE r.c / a.c >= $conf - 1e-12 AND (r.c * $n) / (a.c * b.c) >= $lift - 1e-12"""


def mine(
    q: Query,
    baskets_sql: str,
    params: dict[str, Any],
    *,
    min_support: float,
    min_count: int,
    min_confidence: float,
    min_lift: float,
    max_len: int = 3,
    max_basket_items: int = MAX_BASKET_ITEMS,
    limit: int = 20,
) -> Mined:
    """Mine the baskets that ``baskets_sql`` (rows ``order_id, item``) returns with ``params``."""
    con = q.con
    try:
        con.execute(
            f"CREATE TEMP TABLE _bk_b AS SELECT DISTINCT order_id, item FROM ({baskets_sql})",
            params,
        )
        n_all = int(q.scalar("SELECT count(DISTINCT order_id) FROM _bk_b") or 0)
        need_all = _need(min_support, min_count, n_all)
        con.execute(
            """CREATE TEMP TABLE _bk_ids AS
               WITH f AS (SELECT item FROM _bk_b GROUP BY item HAVING count(*) >= $need),
                    size AS (SELECT order_id, count(f.item) AS k FROM _bk_b LEFT JOIN f USING (item) GROUP BY order_id)
               SELECT order_id, k FROM size""",
            {"need": need_all},
        )
        kept = q.rows(
            """SELECT count(*) FILTER (WHERE k <= $cap) AS n, count(*) FILTER (WHERE k > $cap) AS skipped
               FROM _bk_ids""",
            {"cap": max_basket_items},
        )[0]
        n, skipped = int(kept["n"] or 0), int(kept["skipped"] or 0)
        need = _need(min_support, min_count, n)
        con.execute(
            """CREATE TEMP TABLE _bk_l AS
               WITH b AS (SELECT order_id, item FROM _bk_b JOIN _bk_ids USING (order_id) WHERE k <= $cap),
                    f AS (SELECT item, count(*) AS c FROM b GROUP BY item HAVING count(*) >= $need),
                    ids AS (SELECT item, c, row_number() OVER (ORDER BY item)::INT AS id FROM f)
               SELECT dense_rank() OVER (ORDER BY order_id)::INT AS bid, ids.id, ids.item, ids.c
               FROM b JOIN ids USING (item)""",
            {"cap": max_basket_items, "need": need},
        )
        multi = int(
            q.scalar(
                """SELECT count(*) FROM (SELECT order_id FROM _bk_b JOIN _bk_ids USING (order_id)
                   WHERE k <= $cap GROUP BY order_id HAVING count(*) > 1)""",
                {"cap": max_basket_items},
            )
            or 0
        )
        _count(q, need, max_len)
        rules, bundles = _rank(q, n, min_confidence, min_lift, limit)
        return Mined(n, multi, skipped, need, rules, bundles)
    finally:
        for table in _TEMP:
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _need(min_support: float, min_count: int, n: int) -> int:
    """Baskets an itemset must appear in."""
    return max(min_count, math.ceil(min_support * n - 1e-9))


def _count(q: Query, need: int, max_len: int) -> None:
    """Pairs (and triples when ``max_len`` ≥ 3) held by at least ``need`` baskets."""
    q.con.execute(
        """CREATE TEMP TABLE _bk_p AS SELECT a.id AS x, b.id AS y, count(*)::DOUBLE AS c
           FROM _bk_l a JOIN _bk_l b ON a.bid = b.bid AND a.id < b.id
           GROUP BY ALL HAVING count(*) >= $need""",
        {"need": need},
    )
    q.con.execute("CREATE TEMP TABLE _bk_t (x INT, y INT, z INT, c DOUBLE)")
    if max_len >= 3:
        _count_triples(q, need)
    q.con.execute(
        """CREATE TEMP TABLE _bk_s AS
           SELECT [id] AS items, any_value(c)::DOUBLE AS c FROM _bk_l GROUP BY id
           UNION ALL SELECT [x, y], c FROM _bk_p UNION ALL SELECT [x, y, z], c FROM _bk_t"""
    )


def _count_triples(q: Query, need: int) -> None:
    """Triples ``x < y < z`` held by at least ``need`` baskets, from the baskets' frequent pairs:
    two of a basket's pairs that share their first item ``x`` make a triple when ``(y, z)`` is
    frequent too.
    """
    q.con.execute(
        """CREATE TEMP TABLE _bk_pl AS SELECT a.bid, a.id AS x, b.id AS y
           FROM _bk_l a JOIN _bk_l b ON a.bid = b.bid AND a.id < b.id
           SEMI JOIN _bk_p p ON p.x = a.id AND p.y = b.id"""
    )
    q.con.execute(
        """INSERT INTO _bk_t SELECT a.x, a.y, b.y, count(*)::DOUBLE
           FROM _bk_pl a JOIN _bk_pl b ON a.bid = b.bid AND a.x = b.x AND a.y < b.y
           SEMI JOIN _bk_p p ON p.x = a.y AND p.y = b.y
           GROUP BY ALL HAVING count(*) >= $need""",
        {"need": need},
    )


def _rank(
    q: Query, n: int, min_confidence: float, min_lift: float, limit: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first ``limit`` rules (highest lift, then support, then items) and bundles (itemsets
    with a rule, by orders × best lift), items as their ids in the baskets' query.
    """
    if not n:
        return [], []
    q.con.execute(_RULES, {"n": float(n), "conf": min_confidence, "lift": min_lift})
    rules = q.rows(
        """SELECT lhs AS antecedents, rhs AS consequents, c::BIGINT AS orders, support,
                  sa AS antecedent_support, sc AS consequent_support, confidence, lift
           FROM _bk_r ORDER BY round(lift, 9) DESC, round(support, 9) DESC, lhs, rhs LIMIT $limit""",
        {"limit": limit},
    )
    bundles = q.rows(
        """SELECT list_filter([x, y, z], lambda v: v IS NOT NULL) AS items, any_value(c)::BIGINT AS orders,
                  any_value(c) / $n AS support, max(lift) AS lift
           FROM _bk_r GROUP BY x, y, z ORDER BY any_value(c) * max(lift) DESC, x, y, z NULLS FIRST LIMIT $limit""",
        {"n": float(n), "limit": limit},
    )
    ids = sorted(
        {i for r in rules for i in r["antecedents"] + r["consequents"]}
        | {i for b in bundles for i in b["items"]}
    )
    names = dict(
        q.con.execute(
            "SELECT DISTINCT id, item FROM _bk_l WHERE list_contains($ids, id)", {"ids": ids}
        ).fetchall()
    )
    for r in rules:
        r["antecedents"] = [names[i] for i in r["antecedents"]]
        r["consequents"] = [names[i] for i in r["consequents"]]
    for b in bundles:
        b["items"] = [names[i] for i in b["items"]]
    return rules, bundles

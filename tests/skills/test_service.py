"""refund_summary and review_summary against SQL."""

from __future__ import annotations

import pytest

from shopkeeper.ops.actions import validate_params

from .conftest import Stores


def test_refunds_match_sql(stores: Stores) -> None:
    out = stores.run("zh", "refund_summary", {"days": 30, "limit": 50})
    cases, amount, rejected = stores.sql(
        "zh",
        "SELECT count(*), sum(amount) FILTER (WHERE coalesce(status, '') NOT IN ('rejected', 'cancelled'))::DOUBLE, "
        "count(*) FILTER (WHERE status = 'rejected') "
        "FROM refunds WHERE CAST(created_at AS DATE) BETWEEN ? AND ?",
        [out.start, out.end],
    )[0]
    assert rejected > 0  # the total refunded leaves the rejected claims out
    assert (out.cases, out.amount) == (cases, pytest.approx(amount, abs=0.01))
    assert sum(r.cases for r in out.by_reason) == cases
    assert sum(out.by_kind.values()) == cases
    assert sum(d.cases for d in out.days) == cases
    assert out.refund_rate == pytest.approx(out.refunded_orders / out.paid_orders, abs=1e-4)
    top = out.top_skus[0]
    assert (
        top.cases
        == stores.sql(
            "zh",
            "SELECT count(*) FROM refunds WHERE sku_id = ? AND CAST(created_at AS DATE) BETWEEN ? AND ?",
            [top.sku_id, out.start, out.end],
        )[0][0]
    )
    buyer_side = {r.reason for r in out.by_reason if r.buyer_side}
    assert "七天无理由退换货" in buyer_side


def test_reviews_match_sql(stores: Stores) -> None:
    out = stores.run("en", "review_summary", {"days": 30, "limit": 5})
    rows = dict(
        stores.sql(
            "en",
            "SELECT rating, count(*) FROM reviews WHERE CAST(created_at AS DATE) BETWEEN ? AND ? GROUP BY 1",
            [out.start, out.end],
        )
    )
    assert out.distribution == {star: rows.get(star, 0) for star in range(1, 6)}
    assert out.negative == rows.get(1, 0) + rows.get(2, 0)
    assert out.negative_share == pytest.approx(out.negative / out.reviews, abs=1e-4)
    assert len(out.recent_negative) == 5
    assert all(r.rating <= 2 and len(r.excerpt) <= 80 for r in out.recent_negative)
    times = [r.created_at for r in out.recent_negative]
    assert times == sorted(times, reverse=True)
    assert out.top_negative_topics
    assert out.top_negative_topics[0].reviews <= out.negative
    for r in out.recommendations:
        if r.action:
            validate_params(r.action, r.params)

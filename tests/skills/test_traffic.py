"""traffic_sources against SQL."""

from __future__ import annotations

import pytest

from .conftest import Stores


def test_sources_match_sql(stores: Stores) -> None:
    out = stores.run("zh", "traffic_sources", {"days": 7})
    rows = {
        r[0]: r[1:]
        for r in stores.sql(
            "zh",
            """SELECT source, sum(visitors) FILTER (WHERE date >= ?), sum(visitors) FILTER (WHERE date < ?),
                      sum(buyers) FILTER (WHERE date >= ?)
               FROM traffic WHERE date BETWEEN ?::DATE - 7 AND ? GROUP BY 1""",
            [out.start, out.start, out.start, out.start, out.end],
        )
    }
    assert {s.source for s in out.sources} == set(rows)
    for s in out.sources:
        visitors, prev, buyers = rows[s.source]
        assert (s.visitors, s.visitors_prev, s.buyers) == (visitors, prev, buyers)
        assert s.conversion_rate == pytest.approx(buyers / visitors, abs=1e-4)
    assert sum(s.share for s in out.sources) == pytest.approx(1.0, abs=1e-3)
    assert out.visitors == sum(r[0] for r in rows.values())
    assert [s.visitors for s in out.sources] == sorted(
        (s.visitors for s in out.sources), reverse=True
    )


def test_one_listing(stores: Stores) -> None:
    pid = stores.sql(
        "en", "SELECT product_id FROM traffic GROUP BY 1 ORDER BY sum(visitors) DESC LIMIT 1"
    )[0][0]
    out = stores.run("en", "traffic_sources", {"product_id": pid})
    whole = stores.run("en", "traffic_sources")
    assert 0 < out.visitors < whole.visitors

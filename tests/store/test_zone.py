"""``local_day(ts)`` is exactly DuckDB's ``CAST(ts AS DATE)`` in the session's zone — around
midnight, around the zone's last offset change, in zones that still change their clocks — and a
read-only session's import key costs no query once it is known."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

import shopkeeper
from shopkeeper.store.memo import import_key
from shopkeeper.store.zone import fixed_offset_since, use_zone

from .counting import Counting

ZONES = ("Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "America/Mexico_City")


@pytest.mark.parametrize("zone", ZONES)
def test_local_day_is_the_cast_in_the_sessions_zone(zone: str) -> None:
    con = duckdb.connect()
    use_zone(con, zone)
    since = fixed_offset_since(zone)
    anchors = [  # 1988: summer time in China; then today
        dt.datetime(1988, 7, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
    ]
    if since is not None:
        anchors.append(since[0])
    instants = [
        a + dt.timedelta(minutes=30 * k) for a in anchors for k in range(-96, 97)
    ]  # every half hour of four days around each anchor
    rows = con.execute(
        """SELECT count(*) FILTER (WHERE local_day(ts) IS DISTINCT FROM CAST(ts AS DATE)),
                  count(*)
           FROM (SELECT unnest(?::TIMESTAMPTZ[]) AS ts)""",
        [instants],
    ).fetchone()
    assert rows is not None
    assert rows == (0, len(instants))
    assert con.execute("SELECT local_day(NULL::TIMESTAMPTZ)").fetchone() == (None,)


def test_a_zone_still_changing_its_clocks_always_casts() -> None:
    assert fixed_offset_since("Europe/Berlin") is None
    since = fixed_offset_since("Asia/Shanghai")
    assert since is not None
    assert since[0] == dt.datetime(1991, 9, 14, 17, 0, tzinfo=dt.UTC)  # China's last DST ended
    assert fixed_offset_since("Not/AZone") is None


def test_a_cursor_starts_in_utc_until_its_zone_is_set() -> None:
    con = duckdb.connect()
    use_zone(con, "Asia/Shanghai")
    cur = con.cursor()
    with pytest.raises(duckdb.CatalogException):
        cur.execute("SELECT local_day(now())")
    use_zone(cur, "Asia/Shanghai")
    assert cur.execute("SELECT current_setting('TimeZone')").fetchone() == ("Asia/Shanghai",)


def test_a_read_only_sessions_import_key_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE _imports (import_id INTEGER, started_at TIMESTAMPTZ, "
            "finished_at TIMESTAMPTZ, source VARCHAR, report JSON)"
        )
        con.execute("INSERT INTO _imports VALUES (1, now(), now(), 'x', '{}')")
        use_zone(con, "UTC")
        first = import_key(con)
        con.execute("INSERT INTO _imports VALUES (2, now(), now(), 'y', '{}')")
        assert import_key(con) != first  # a writer's key follows its imports
    ro = Counting(duckdb.connect(str(path), read_only=True))
    use_zone(ro.typed, "Asia/Shanghai")
    key = import_key(ro.typed)
    assert key is not None
    assert key[0] == 2
    assert key[-1] == "Asia/Shanghai"
    asked = len(ro.sql)
    assert import_key(ro.typed) == key
    assert len(ro.sql) == asked  # read once: no query for the same key again
    use_zone(ro.typed, "UTC")
    assert import_key(ro.typed) == (*key[:-1], "UTC")  # the zone is part of the key
    ro.con.close()


def test_queries_name_the_store_day_of_an_instant_one_way() -> None:
    """Every query over the warehouse writes ``local_day(ts)``; only the macro itself, and the code
    that reads source files or builds the demo on connections of its own, cast."""
    src = Path(shopkeeper.__file__).parent
    cast = re.compile(
        r"CAST\(\s*(?:\w+\.)?(?:created_at|paid_at|shipped_at|delivered_at|start_at|end_at|sent_at"
        r"|promised_delivery_at)\s+AS\s+DATE\)"
    )
    own = ("store/zone.py", "store/validation.py", "store/adapters/", "store/demo/")
    found = [
        f"{rel}:{n}"
        for path in src.rglob("*.py")
        if not (rel := path.relative_to(src).as_posix()).startswith(own)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if cast.search(line)
    ]
    assert found == []

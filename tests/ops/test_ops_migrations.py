"""Two processes (or threads) starting at once on a fresh home migrate the operational database
once: the second waits for the first's write lock, then finds every migration applied."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from shopkeeper.opsdb import MIGRATIONS, ops_engine, schema_version
from shopkeeper.settings import Settings


def _start_together(settings: Settings, n: int) -> list[BaseException]:
    gate = threading.Barrier(n)
    errors: list[BaseException] = []

    def start() -> None:
        gate.wait()
        try:
            ops_engine(settings).dispose()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_starts_at_once_migrate_the_operational_database_once(tmp_path: Path) -> None:
    for attempt in range(4):
        settings = Settings(home=tmp_path / f"home{attempt}")
        assert _start_together(settings, 3) == []
        engine = ops_engine(settings)
        with engine.connect() as conn:
            rows = conn.execute(
                select(schema_version.c.version, func.count()).group_by(schema_version.c.version)
            ).all()
        engine.dispose()
        assert sorted(v for v, _ in rows) == sorted(MIGRATIONS)
        assert {n for _, n in rows} == {1}

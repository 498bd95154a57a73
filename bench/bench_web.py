"""Benchmark: the owner's web app — every page's server time and first-load weight.

Targets (issue 15, Quality bar → Speed): every page's server time p95 under 150 ms on the demo
store and under 400 ms on a 5M-order-line store; a page's first load under 300 KB transferred.

Two stores are built once (generated with a fixed end date, imported, inspected and given their
daily report as a schedule would) and kept under ``--cache`` for later runs: ``demo`` (scale 1,
~150k order lines) and ``large`` (scale 33 by default, ~5M order lines). An owner of each store
logs in through the real app (FastAPI's ``TestClient``, so the time is the server's: routing,
session, queries, rendering, gzip), then every page and the JSON routes they are twins of are
requested ``--n`` times, in rounds, each timed; an agency bound to both stores times ``/``.
The first load of a page is its HTML plus every stylesheet, script, font and image it references,
as a browser fetches them, each counted as transferred (gzip-encoded when the server compresses).

    .venv/bin/python bench/bench_web.py [--n 20] [--scale 33] [--cache /tmp/shopkeeper-bench-web]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from shopkeeper.api.app import create_app
from shopkeeper.api.tokens import create_token
from shopkeeper.api.web.i18n import NAV
from shopkeeper.api.web.today import refresh
from shopkeeper.clock import Clock
from shopkeeper.context import AppContext
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.service import create_demo
from shopkeeper.store.warehouse import Warehouse, store_dir

END = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
TARGET_MS = {"demo": 150.0, "large": 400.0}
TARGET_KB = 300.0
PAGES = tuple(item.path for item in NAV)
JSON_ROUTES = (
    "today",
    "findings",
    "overview",
    "approvals",
    "audit",
    "conversations",
    "reports",
    "schedules",
    "schedules/runs",
    "memory",
    "cs/day",
    "data/coverage",
    "data/quarantine",
    "settings/llm",
    "settings/policy",
    "settings/tokens",
)
ASSET = re.compile(r"""<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/[^"]+)\"""")
CSS_URL = re.compile(r"""url\(\s*['"]?(/[^'")]+)""")


def settings_for(home: Path) -> Settings:
    """The bench home with the store clock pinned the morning after the data ends."""
    return Settings(home=home, now=NOW)


def build(settings: Settings, store: str, scale: float, seed: int) -> int:
    """Generate, import, inspect and report ``store`` once; its order-line count."""
    marker = store_dir(settings, store) / "bench-web.json"
    if not marker.exists():
        t = time.perf_counter()
        create_demo(settings, store, scale=scale, seed=seed, end_date=END)
        print(f"built {store} (scale {scale}) in {time.perf_counter() - t:.1f} s", flush=True)
        context = AppContext(settings, ops_engine(settings), Clock.from_settings(settings))
        try:
            t = time.perf_counter()
            refresh(context.store(store, actor="bench"))
            print(f"inspected and reported {store} in {time.perf_counter() - t:.1f} s", flush=True)
        finally:
            context.close()
        with Warehouse.open(store_dir(settings, store), read_only=True) as wh:
            lines = wh.count("order_items")
        marker.write_text(json.dumps({"scale": scale, "seed": seed, "order_lines": lines}))
    return int(json.loads(marker.read_text())["order_lines"])


def log_in(client: TestClient, token: str) -> None:
    """Log in through the form, as a browser does (the session cookie stays in the client)."""
    answer = client.post(
        "/login",
        data={"token": token, "next": "/"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, url: str, headers: dict[str, str] | None = None) -> float:
    """One request's time in ms (it must succeed)."""
    t = time.perf_counter()
    answer = client.get(url, headers=headers, follow_redirects=False)
    took = (time.perf_counter() - t) * 1000
    assert answer.status_code == 200, f"{url}: {answer.status_code} {answer.text[:200]}"
    return took


def p95(values: list[float]) -> float:
    """95th percentile (inclusive method: one slow request out of 20 counts)."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def rounds(
    client: TestClient, urls: dict[str, str], n: int, headers: dict[str, str] | None = None
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Every url once (the first view: templates compiled, answers kept per import computed),
    then ``n`` times, one round of all at a time (drift hits all alike); ms per url.
    """
    first = {name: timed(client, url, headers) for name, url in urls.items()}
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(n):
        for name, url in urls.items():
            times[name].append(timed(client, url, headers))
    return first, times


def transferred(client: TestClient, url: str) -> int:
    """Bytes a browser receives for ``url`` (asking for gzip): the body as sent."""
    answer = client.get(url, headers={"Accept-Encoding": "gzip"}, follow_redirects=False)
    assert answer.status_code == 200, f"{url}: {answer.status_code}"
    raw = answer.num_bytes_downloaded
    return raw + sum(len(k) + len(v) + 4 for k, v in answer.headers.items())


def first_load(client: TestClient, url: str) -> tuple[int, list[str]]:
    """Bytes of a page's first load (HTML + every asset it references, fetched once) and the assets."""
    page = client.get(url, follow_redirects=False).text
    assets = list(dict.fromkeys(ASSET.findall(page)))
    for css in [a for a in assets if a.endswith(".css")]:
        assets += [u for u in CSS_URL.findall(client.get(css).text) if u not in assets]
    return transferred(client, url) + sum(transferred(client, a) for a in assets), assets


def line(name: str, first: float, values: list[float], target: float) -> tuple[str, bool]:
    """One printed line: the first view, p50 and p95 against the target."""
    ok = p95(values) < target
    text = (
        f"  {name:16s} first {first:7.1f} ms  p50 {statistics.median(values):7.1f} ms"
        f"  p95 {p95(values):7.1f} ms"
    )
    return text + ("" if ok else f"  OVER {target:g} ms"), ok


def bench_store(settings: Settings, store: str, n: int) -> tuple[dict[str, object], bool]:
    """Time every page and JSON twin of ``store`` as its owner; the figures and the verdict."""
    token = create_token(ops_engine(settings), store, "owner", label="bench-web").token
    pages = {p: f"/s/{store}/{p}" for p in PAGES}
    apis = {r: f"/v1/stores/{store}/{r}" for r in JSON_ROUTES}
    target = TARGET_MS[store]
    ok = True
    with TestClient(create_app(settings, tick_every_s=3600)) as client:
        log_in(client, token)
        page_first, page_times = rounds(client, pages, n)
        api_first, api_times = rounds(client, apis, n, {"Authorization": f"Bearer {token}"})
        weights = {p: first_load(client, url)[0] for p, url in pages.items()}
    print(f"{store}: pages ({n} requests each, target p95 < {target:g} ms)")
    for name, values in page_times.items():
        text, good = line(name, page_first[name], values, target)
        ok &= good
        print(f"{text}   first load {weights[name] / 1000:6.1f} KB")
    print(f"{store}: JSON twins")
    for name, values in api_times.items():
        text, good = line(name, api_first[name], values, target)
        ok &= good
        print(text)
    heavy = {p: w for p, w in weights.items() if w / 1000 >= TARGET_KB}
    ok &= not heavy
    figures: dict[str, object] = {
        "p95_ms": {p: round(p95(v), 1) for p, v in page_times.items()},
        "json_p95_ms": {r: round(p95(v), 1) for r, v in api_times.items()},
        "first_load_kb": {p: round(w / 1000, 1) for p, w in weights.items()},
    }
    return figures, ok


def bench_stores_page(
    settings: Settings, stores: list[str], n: int
) -> tuple[float, list[float], int, int]:
    """``/`` for an agency bound to every store (each card read from what was recorded): its first
    view, its times, and the first-load bytes of ``/`` and of the login page.
    """
    token = create_token(
        ops_engine(settings), stores[0], "agency", label="bench-web", stores=stores
    ).token
    with TestClient(create_app(settings, tick_every_s=3600)) as client:
        login_bytes = first_load(client, "/login")[0]
        for docs in ("/docs", "/redoc"):  # developer pages: their scripts fetch the schema too
            weight = first_load(client, docs)[0] + transferred(client, "/openapi.json")
            print(f"  {docs} (API docs, not a merchant page): first load {weight / 1000:.1f} KB")
        log_in(client, token)
        first, times = rounds(client, {"stores": "/"}, n)
        return first["stores"], times["stores"], first_load(client, "/")[0], login_bytes


def main() -> None:
    """Build or reuse both stores, time them, print the figures and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20, help="requests per page and store")
    parser.add_argument("--scale", type=float, default=33.0, help="large store (33 ≈ 5M lines)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/shopkeeper-bench-web"))
    parser.add_argument("--only", choices=("demo", "large"), help="bench one store")
    args = parser.parse_args()
    settings = settings_for(args.cache / f"home-{END.isoformat()}")
    wanted = [(s, sc, seed) for s, sc, seed in (("demo", 1.0, 7), ("large", args.scale, 11))]
    wanted = [w for w in wanted if args.only in (None, w[0])]
    results: dict[str, object] = {}
    ok = True
    for store, scale, seed in wanted:
        lines = build(settings, store, scale, seed)
        print(f"{store}: {lines:,} order lines (scale {scale})", flush=True)
        figures, good = bench_store(settings, store, args.n)
        results[store] = {"order_lines": lines, **figures}
        ok &= good
    if len(wanted) > 1:  # an agency of one store is sent to its first page
        first, stores_ms, stores_bytes, login_bytes = bench_stores_page(
            settings, [w[0] for w in wanted], args.n
        )
        text, good = line("/ (agency)", first, stores_ms, TARGET_MS["large"])
        print(f"stores page, an agency of {len(wanted)} stores (target p95 < 400 ms)")
        print(f"{text}   first load {stores_bytes / 1000:6.1f} KB")
        print(f"  login page{'':36s}first load {login_bytes / 1000:6.1f} KB")
        heavy = max(stores_bytes, login_bytes) / 1000 >= TARGET_KB
        ok &= good and not heavy
        results["stores"] = {
            "p95_ms": round(p95(stores_ms), 1),
            "first_load_kb": round(stores_bytes / 1000, 1),
            "login_first_load_kb": round(login_bytes / 1000, 1),
        }
    print(json.dumps(results, indent=2))
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

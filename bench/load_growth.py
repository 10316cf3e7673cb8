"""A batch's load as the warehouse grows: real-shaped 500-page batches loaded one after another
(warehouse/articles.py's load_batch, as the ingest flow's thread loads them, validation off), with
the seconds and CPU seconds of the load, of each of its statements and of the connection's close,
where DuckDB checkpoints; prints JSON.

    .venv/bin/python bench/load_growth.py [--batches 100] [--every 10] [--db FILE] [--out FILE]

The pages are the 658 real pages of the extraction benchmarks with a web address (bench/backfill.py
--corpus real), extracted once; page n of the run is page n mod 658 at a URL of its own, its
blocks' words shuffled by n, so that each article is a story of its own, as most of an archive's
are, and not a copy that story placement would read the stored copies of. With --db, the batches
go onto that warehouse (a copy of it, to compare two versions of the code on one warehouse),
numbered after --start so their URLs are new. Batches 0, --every, 2 x --every and the last are
reported, each with its ten costliest steps.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.report import print_result  # noqa: E402

BATCH = 500
SITE = "news.example"


class Timings:
    """Seconds and CPU seconds spent per step, a step being a statement (by its first words),
    the connection's open or its close."""

    def __init__(self) -> None:
        self.steps: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def add(self, step: str, started: tuple[float, float]) -> None:
        spent = self.steps[step]
        spent[0] += time.perf_counter() - started[0]
        spent[1] += time.process_time() - started[1]

    def costliest(self, count: int = 10) -> dict[str, list[int]]:
        ranked = sorted(self.steps.items(), key=lambda item: -item[1][1])[:count]
        return {step: [round(1000 * s), round(1000 * cpu)] for step, (s, cpu) in ranked}


def now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class TimedConnection:
    """A DuckDB connection whose statements and close are timed."""

    def __init__(self, conn, timings: Timings) -> None:
        self._conn, self._timings = conn, timings

    def execute(self, sql, *args, **kwargs):
        started = now()
        result = self._conn.execute(sql, *args, **kwargs)
        self._timings.add(" ".join(str(sql).split())[:60], started)
        return result

    def close(self) -> None:
        started = now()
        self._conn.close()
        self._timings.add("close (checkpoint)", started)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def timed_connections(timings: Timings) -> None:
    """Every connection warehouse/db.py opens from now on is timed (a bench's patch, not the pipeline's)."""
    from winnow.warehouse import db

    opener = db._open_when_free

    def open_timed(*args, **kwargs):
        started = now()
        conn = TimedConnection(opener(*args, **kwargs), timings)
        timings.add("open", started)
        return conn

    db._open_when_free = open_timed


def extracted_pages() -> list:
    """(html, Article) of each real page that gives an article."""
    from bench.backfill import real_pages
    from winnow.schemas.records import Article
    from winnow.transforms.extract import PageInput, extract_article

    pages = []
    for url, _, _, html in real_pages(658):
        extracted = extract_article(PageInput(url, url, "backfill", html))
        if isinstance(extracted, Article):
            pages.append((html, extracted))
    return pages


def batch(pages: list, number: int) -> tuple[list, list]:
    """The fetch results and articles of batch `number`: each page at a URL of its own, its words shuffled."""
    from winnow.schemas.records import FetchResult
    from winnow.transforms.chaff.strip import clean_text
    from winnow.transforms.hashing import article_id, sha256_hex

    results, articles = [], []
    for n in range(number * BATCH, (number + 1) * BATCH):
        html, article = pages[n % len(pages)]
        shuffle = random.Random(n).shuffle
        blocks = []
        for block in article.blocks:
            words = block.split(" ")
            shuffle(words)
            blocks.append(" ".join(words))
        text = clean_text(blocks, article.chaff)
        url = f"https://page{n}.{SITE}/{article.url.split('://', 1)[-1]}"
        articles.append(
            dataclasses.replace(
                article,
                article_id=article_id(url),
                url=url,
                fetched_url=url,
                text=text,
                content_hash=sha256_hex(text),
                blocks=tuple(blocks),
            )
        )
        results.append(
            FetchResult(url, "backfill", url, "fetched", 200, html, "text/html", fetched_at=datetime.now(timezone.utc))
        )
    return results, articles


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench/load_growth.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--db", type=Path, help="load onto this warehouse (it is written to)")
    parser.add_argument("--start", type=int, default=10_000, help="with --db: the first batch's number")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from winnow.warehouse.articles import load_batch

    pages = extracted_pages()
    timings = Timings()
    timed_connections(timings)
    reported = []
    with tempfile.TemporaryDirectory(prefix="winnow-load-growth-") as folder:
        db_path = args.db or Path(folder) / "winnow.duckdb"
        first = args.start if args.db else 0
        for number in range(first, first + args.batches):
            results, articles = batch(pages, number)
            timings.steps.clear()
            started = now()
            load_batch(db_path, "load-growth", results, articles, [])
            seconds, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
            index = number - first
            if index % args.every == 0 or index == args.batches - 1:
                row = {
                    "batch": index,
                    "articles_before": index * BATCH,
                    "load_ms": round(1000 * seconds),
                    "load_cpu_ms": round(1000 * cpu),
                    "close_ms_cpu_ms": timings.costliest(len(timings.steps)).get("close (checkpoint)"),
                    "costliest_ms_cpu_ms": timings.costliest(),
                }
                reported.append(row)
                print(
                    f"[load_growth] batch {index}: load {row['load_ms']} ms ({row['load_cpu_ms']} CPU),"
                    f" close {row['close_ms_cpu_ms']}",
                    file=sys.stderr,
                    flush=True,
                )
        size = os.path.getsize(db_path)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        "batch_pages": BATCH,
        "warehouse": str(args.db) if args.db else "fresh",
        "file_mb": round(size / 1e6),
        "batches": reported,
    }
    print_result(result, args.out)
    return result


if __name__ == "__main__":
    main()

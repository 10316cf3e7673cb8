"""Backfill throughput: a WARC of article pages ingested through the `ingest` flow, against bare
trafilatura over the same records, in one run; prints JSON.

    .venv/bin/python bench/backfill.py [--corpus demo|real] [--pages 2000] [--prefect server|ephemeral]
                                       [--no-dask] [--out FILE]

The WARC holds N article pages, each at a URL of its own: copies of the demo's 30 pages
(`--corpus demo`, the default, 10 kB a page) or of the 658 real pages of the two extraction
benchmarks with a web address (`--corpus real`, Scrapinghub's and trafilatura-eval's, 150 kB a
page on average, in many languages).

1. bare: warcio reads the WARC and `trafilatura.extract` runs on each HTML record, in one
   process (what a script of one's own would do);
2. winnow: after an untimed warm-up run of WARM_UP_PAGES pages (a process starts its
   extraction workers and imports once, however long its backfill), the `ingest` flow reads the same WARC (`kind: warc`) into a fresh DuckDB file,
   enrichment off, validation on (the default), the extraction pool on every core;
3. winnow without validation, likewise;
4. (unless --no-dask) winnow on a local Dask cluster of two worker processes.
Each winnow run is timed around the flow call, and the CPU seconds it spends (this process and
its extraction workers or Dask workers, not the Prefect server) are counted: with every core
kept busy, a run can reach at most cores x bare CPU / its CPU of the bare pages/s
(`cpu_bound_ratio`). The target (issue 17): winnow >= 0.9x the bare pages/s, without
enrichment. The cost of a million pages follows from the pages/s; the loads run in the flow's
one thread whatever the runner, so the load seconds per page bound what a cluster of any size
can reach. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.child_processes import child_pids, tree_cpu_seconds  # noqa: E402
from bench.prefect_server import prefect_api  # noqa: E402
from bench.report import print_result  # noqa: E402

TARGET_RATIO = 0.9
WARM_UP_PAGES = 100
SITE = "https://news.example"


def log(message: str) -> None:
    print(f"[backfill {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bare_trafilatura(warc_path: Path) -> tuple[float, float, int]:
    """Seconds and CPU seconds for warcio + trafilatura.extract over the WARC's HTML responses
    (given the bytes: trafilatura finds their encoding), and how many were extracted."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    started, cpu_started, extracted = time.perf_counter(), time.process_time(), 0
    with warc_path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                extracted += trafilatura.extract(record.content_stream().read()) is not None
    return time.perf_counter() - started, time.process_time() - cpu_started, extracted


@dataclass(frozen=True)
class Corpus:
    """A WARC to ingest (its pages all on SITE's host), how many pages it holds, and the language its
    source declares."""

    path: Path
    pages: int
    language: str | None = None

    @property
    def language_setting(self) -> str:
        return f", language: {self.language}" if self.language else ""


def demo_corpus(path: Path, pages: int) -> Corpus:
    from winnow.demo.archive import articles_warc

    path.write_bytes(articles_warc(SITE, pages))
    return Corpus(path, pages, "en")


def real_corpus(path: Path, pages: int) -> Corpus:
    """`pages` real pages (in many languages: the source declares none)."""
    from winnow.demo.archive import warc

    path.write_bytes(warc(real_pages(pages)))
    return Corpus(path, pages)


def real_pages(count: int) -> list[tuple[str, int, str, bytes]]:
    """`count` WARC response records of the real pages of the extraction benchmarks that have a
    web address (25 of trafilatura-eval's have a name instead), over and over: copy n of a page at
    https://copy<n>.news.example/<its host and path>, so each copy is an article of its own (a
    page's canonical URL on another site is not taken) and the later copies are the same story."""
    from bench.datasets import SCRAPINGHUB, TRAFILATURA_EVAL
    from bench.extraction import load_pages
    from bench.kept_strings import load_string_pages

    pages = [*load_pages(SCRAPINGHUB, None), *load_string_pages(TRAFILATURA_EVAL)]
    pages = [page for page in pages if urlsplit(page.url).hostname]
    site = urlsplit(SITE)
    records = []
    for n in range(count):
        page, copy = pages[n % len(pages)], n // len(pages)
        original = urlsplit(page.url)
        url = f"{site.scheme}://copy{copy}.{site.hostname}/{original.hostname}{original.path or '/'}"
        records.append(
            (url + (f"?{original.query}" if original.query else ""), 200, "text/html; charset=utf-8", page.html)
        )
    return records


def winnow_run(warc: Corpus, tmp: Path, name: str, validation: bool, server: set[int], runner=None) -> dict:
    from winnow.flows.ingest import ingest

    config = tmp / f"{name}.yaml"
    config.write_text(
        f"validation: {{enabled: {'true' if validation else 'false'}, max_duplicate_share: 1.0}}\n"
        "enrich: {enabled: false}\n"
        f"sources:\n  - {{name: backfill, feeds: [{{kind: warc, path: '{warc.path}'}}], allowed_domains: [{urlsplit(SITE).hostname}],"
        f" max_pages: 1000000{warc.language_setting}}}\n",
        encoding="utf-8",
    )
    started, cpu_started = time.perf_counter(), tree_cpu_seconds(server)
    summary = ingest(config_path=str(config), db_path=str(tmp / f"{name}.duckdb"), runner=runner)
    seconds, cpu_seconds = time.perf_counter() - started, tree_cpu_seconds(server) - cpu_started
    return {
        "seconds": round(seconds, 2),
        "cpu_ms_per_page": round(1000 * cpu_seconds / max(1, summary.fetched), 2),
        "new": summary.new,
        "pages_per_s": round(summary.fetched / seconds, 1),
        "flow_s": round(summary.seconds, 2),
        "extract_s": round(summary.extract_seconds, 2),
        "load_s": round(summary.load_seconds, 2),
        "validate_s": round(summary.validate_seconds, 2),
        "load_ms_per_page": round(1000 * summary.load_seconds / max(1, summary.fetched), 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench/backfill.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("demo", "real"), default="demo")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--prefect", choices=("server", "ephemeral"), default="server")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    loadavg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="winnow-backfill-") as folder:
        tmp = Path(folder)
        corpus = (real_corpus if args.corpus == "real" else demo_corpus)(tmp / "backfill.warc.gz", args.pages)
        pages = corpus.pages
        log(f"{pages} {args.corpus} pages, {corpus.path.stat().st_size / 1e6:.1f} MB of WARC")
        with prefect_api(args.prefect, tmp, log):
            server = child_pids()  # the Prefect server, if this process started one: its CPU is not counted
            bare_s, bare_cpu_s, bare_n = bare_trafilatura(corpus.path)
            log(f"bare trafilatura: {bare_s:.1f} s ({pages / bare_s:.0f} pages/s)")
            # Each process starts its extraction workers, imports GX and loads the lexicons once; a
            # backfill of a million pages pays that once, so a small run goes first, untimed.
            winnow_run(demo_corpus(tmp / "warm-up.warc.gz", WARM_UP_PAGES), tmp, "warm-up", True, server)
            runs = {"validation_on": winnow_run(corpus, tmp, "on", True, server)}
            log(f"winnow: {runs['validation_on']}")
            runs["validation_off"] = winnow_run(corpus, tmp, "off", False, server)
            log(f"winnow without validation: {runs['validation_off']}")
            if not args.no_dask:
                from winnow.schemas.config import RunnerConfig

                runs["dask_2_workers"] = winnow_run(
                    corpus, tmp, "dask", True, server, RunnerConfig(kind="dask", workers=2)
                )
                log(f"winnow on Dask: {runs['dask_2_workers']}")
    from winnow.flows.extraction_pool import default_workers

    bare_rate, cores = pages / bare_s, default_workers()  # the cores the extraction pool uses
    bare_cpu_ms = 1000 * bare_cpu_s / pages
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "corpus": args.corpus,
        "pages": pages,
        "loadavg_1m_at_start": round(loadavg, 2),
        "cores": cores,
        "bare_trafilatura": {
            "seconds": round(bare_s, 2),
            "pages_per_s": round(bare_rate, 1),
            "cpu_ms_per_page": round(bare_cpu_ms, 2),
            "extracted": bare_n,
        },
        **runs,
        "ratio_to_bare": {name: round(run["pages_per_s"] / bare_rate, 2) for name, run in runs.items()},
        # the ratio each run could reach with all cores busy all the time, from the CPU it spends
        "cpu_bound_ratio": {name: round(cores * bare_cpu_ms / run["cpu_ms_per_page"], 2) for name, run in runs.items()},
        "hours_per_million_pages": {name: round(1e6 / run["pages_per_s"] / 3600, 1) for name, run in runs.items()},
        "load_bound_pages_per_s": round(1000 / runs["validation_on"]["load_ms_per_page"], 1),
        "target_ratio": TARGET_RATIO,
        "target_met": runs["validation_on"]["pages_per_s"] / bare_rate >= TARGET_RATIO,
    }
    print_result(result, args.out)
    return result


if __name__ == "__main__":
    main()

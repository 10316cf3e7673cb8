"""A warehouse of a million articles: every view and every query the README documents, timed;
and the peak RSS of a real `winnow run` into a small and into the large warehouse. Prints JSON.

    .venv/bin/python bench/scale.py [--articles 1000000] [--small 10000] [--repeats 5] [--no-run] [--out FILE]

1. build (bench/scale_warehouse.py, its names and words in bench/scale_vocabulary.py): a DuckDB
   file with the migrations before 016, filled by bulk SQL against that schema (articles of 8 sources, one much larger than the rest, over four years; ~10 mentions and ~3
   events per article of Zipf-distributed entities, rank r drawn with probability ~1/r, so a few
   are in most articles; their pages, frontier, fetch log, runs, extraction failures, chaff,
   block sightings and stories), then migrated by warehouse/migrate.py as an existing warehouse
   would be (016 counts the pairs and blocks it keeps). Values are hashes of the row number: the
   same warehouse every time.
2. queries (bench/scale_queries.py): every statement of the README's ```sql blocks and every
   `winnow query "..."` example, run as written (the data holds the values they name: vale-courier, SY, '%mayor-elected%'),
   plus `count(*)` of every view the README's Tables section lists, and article_overview for one
   article chosen by a subquery. Each is run --repeats times on a read-only connection, its whole
   result fetched as Arrow; the median is reported.
3. run (unless --no-run): `winnow run` over the demo's saved pages (kind: pages), enrichment and
   validation on, into the large warehouse and into one of --small articles; the peak RSS
   (VmHWM) of the winnow process, sampled until it exits.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bench.report import print_result  # noqa: E402
from bench.scale_queries import EXTRA_QUERIES, readme_queries, time_queries  # noqa: E402
from bench.scale_warehouse import build  # noqa: E402
from winnow.warehouse.migrate import migrate  # noqa: E402

WINNOW = ROOT / ".venv" / "bin" / "winnow"


def log(message: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pages_config(folder: Path) -> Path:
    """A sources config reading the demo's saved pages, offline."""
    config = folder / "sources.yaml"
    config.write_text(
        "sources:\n"
        "  - name: demo-pages\n"
        f"    feeds: [{{kind: pages, path: '{ROOT / 'demo' / 'site'}'}}]\n"
        "    language: en\n"
        "    max_pages: 100\n",
        encoding="utf-8",
    )
    return config


def winnow_run_rss(db_path: Path, config: Path, prefect_home: Path) -> dict:
    """`winnow run` into `db_path`; the winnow process's peak RSS (VmHWM), sampled until it exits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "WINNOW_"))}
    env.update(PREFECT_HOME=str(prefect_home), NO_COLOR="1")
    started = time.perf_counter()
    run = subprocess.Popen(
        [str(WINNOW), "run", "--config", str(config), "--db", str(db_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak_kb = 0
    while run.poll() is None:
        try:
            status = Path(f"/proc/{run.pid}/status").read_text()
            peak_kb = max(peak_kb, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
        except (OSError, AttributeError):
            pass
        time.sleep(0.1)
    output = run.stdout.read()
    with duckdb.connect(str(db_path), read_only=True) as conn:
        new, enriched = conn.execute("select new, enriched from runs order by started_at desc limit 1").fetchone()
    return {
        "exit_code": run.returncode,
        "wall_s": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "new": new,
        "enriched": enriched,
        "output_tail": output.splitlines()[-3:],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="articles in the warehouse (default 1M)")
    parser.add_argument("--small", type=int, default=10_000, help="articles in the warehouse the run is compared to")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each query (default 5)")
    parser.add_argument("--no-run", action="store_true", help="skip the `winnow run` memory figures")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it (default: a temporary one)")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    result: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "articles": args.articles,
        "cpus": os.cpu_count(),
        "duckdb": duckdb.__version__,
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory(prefix="winnow-scale-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        large = folder / f"scale-{args.articles}.duckdb"
        if large.exists():  # kept from an earlier run: brought up to date
            started = time.perf_counter()
            result["migrated"] = migrate(large)
            result["migrate_s"] = round(time.perf_counter() - started, 1)
        else:
            log(f"building {args.articles} articles into {large}")
            result["build_s"] = build(large, args.articles, log)
        with duckdb.connect(str(large), read_only=True) as conn:
            result["rows"] = {
                t: conn.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "mentions", "events", "entities", "block_sightings")
            }
        result["file_mb"] = round(large.stat().st_size / 2**20)
        queries = readme_queries((ROOT / "README.md").read_text(encoding="utf-8")) + EXTRA_QUERIES
        result["queries"] = time_queries(large, queries, args.repeats, log)
        result["slowest_s"] = max(q["median_s"] for q in result["queries"])
        result["every_query_under_1_s"] = all(q["under_1_s"] for q in result["queries"])
        if not args.no_run:
            small = folder / f"scale-{args.small}.duckdb"
            if not small.exists():
                log(f"building {args.small} articles into {small}")
                build(small, args.small, log)
            config = pages_config(folder)
            result["run"] = {}
            for size, path in ((args.small, small), (args.articles, large)):
                log(f"winnow run into the warehouse of {size} articles")
                result["run"][str(size)] = winnow_run_rss(path, config, folder / "prefect-home")
                log(f"peak RSS {result['run'][str(size)]['peak_rss_mb']} MB")
    print_result(result, args.out)
    return result


if __name__ == "__main__":
    main()

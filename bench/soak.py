"""Soak test: ingest N pages from a local site where 20% of responses are faulty; prints JSON.

    .venv/bin/python bench/soak.py [--pages 5000] [--runs 5] [--fault-rate 0.2] [--permanent-rate 0.02]
                                 [--seed 7] [--enrich | --no-enrich] [--batch-size N]
                                 [--extract-workers N] [--prefect server|ephemeral] [--out FILE]

The faulty site (`python -m demo.faults`, its own process) serves N distinct article URLs (copies
of the 30 demo pages, /bench/sitemap.xml). A seeded share of the URLs always answers 404/410
(permanent faults); every other article response is faulty with probability --fault-rate, drawn
per response (transient faults: 5xx, 429, resets, cut and truncated bodies, redirect loops, empty
bodies, a wrong charset, a gzip bomb, a slow trickle; see demo/faults.py). The `ingest` flow then
runs again and again, as a schedule would, until no URL is due for a retry or --runs runs are
done. The report: pages lost (URLs not permanently faulty without an article; target 0),
duplicate rows by key (target 0), the frontier's final states, articles made from a faulty body,
peak RSS and pages/s. Progress goes to stderr; the result (and --out FILE) is one JSON object.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.child_processes import TreeRSS, peak_rss_mb  # noqa: E402
from bench.prefect_server import prefect_api, stop_ephemeral_servers  # noqa: E402
from bench.report import print_result  # noqa: E402
from bench.soak_audit import audit, due_count, run_counts  # noqa: E402
from bench.soak_site import SOURCE, config_with_networks, fault_server_process  # noqa: E402

LOST_TARGET = 0
DUPLICATES_TARGET = 0


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/soak.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="distinct article URLs (default 5000)")
    parser.add_argument("--runs", type=int, default=5, help="most ingest runs (default 5)")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of faulty responses (default 0.2)")
    parser.add_argument(
        "--permanent-rate", type=float, default=0.02, help="share of URLs that always answer 404/410 (default 0.02)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--enrich",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="run the enrich step (spaCy); off by default, it dominates the time",
    )
    parser.add_argument("--batch-size", type=int, default=None, help="default: the flow's BATCH_SIZE")
    parser.add_argument("--extract-workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--prefect", choices=("server", "ephemeral"), default="server")
    parser.add_argument("--lost-examples", type=int, default=10, help="lost URLs listed in full")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.runs < 1:
        parser.error("--pages and --runs must be at least 1")
    if not (0 <= args.fault_rate <= 1 and 0 <= args.permanent_rate <= 1):
        parser.error("--fault-rate and --permanent-rate are shares, 0 to 1")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    loadavg = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="winnow-soak-"))
    try:
        with TreeRSS() as tree_rss:
            with prefect_api(args.prefect, tmp, log) as server:
                result = _soak(args, tmp, server, loadavg)
        if args.prefect == "ephemeral":
            stop_ephemeral_servers(log)
        rss = peak_rss_mb()
        result["peak_rss_mb"] = rss["total"]
        result["peak_rss_detail_mb"] = {
            **rss,
            "tree_sampled": round(tree_rss.peak_kb / 1024, 1),
            "note": "self + largest reaped child (getrusage); tree_sampled: peak"
            " summed RSS of this process and every descendant (the fault"
            " server and Prefect server included), sampled every 0.1 s",
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_result(result, args.out)
    return result


def _soak(args: argparse.Namespace, tmp: Path, server, loadavg: float) -> dict:
    import duckdb
    import httpx
    import prefect

    from winnow.flows.extraction_pool import default_workers
    from winnow.flows.ingest import BATCH_SIZE, ingest

    batch_size = args.batch_size or BATCH_SIZE
    workers = args.extract_workers or default_workers()
    config, db_path = tmp / "sources.yaml", tmp / "soak.duckdb"
    runs, total_s = [], 0.0
    with fault_server_process(args) as base_url:
        networks = config_with_networks(config, base_url, args.pages, args.enrich)
        log(
            f"faulty site at {base_url}; allowed_networks parsed: {networks['parsed']}"
            f" ({networks['placed_in'] or networks['errors']})"
        )
        manifest = httpx.get(base_url + "/soak/manifest.json", timeout=60).json()
        for number in range(1, args.runs + 1):
            log(
                f"run {number}: ingest (batch size {batch_size}, {workers} extract workers,"
                f" enrich {'on' if args.enrich else 'off'}) ..."
            )
            started, error, run_id = time.perf_counter(), None, None
            try:
                summary = ingest(
                    config_path=str(config),
                    db_path=str(db_path),
                    source_names=[SOURCE],
                    max_pages=args.pages,
                    batch_size=batch_size,
                    extract_workers=workers,
                )
                run_id = summary.run_id
            except Exception as exc:  # a held batch fails the flow run; the counts are in `runs`
                error = f"{type(exc).__name__}: {str(exc)[:500]}"
            seconds = time.perf_counter() - started
            total_s += seconds
            due = due_count(db_path)
            counts = run_counts(db_path, run_id)
            # counts' own "seconds" is the flow body (runs.seconds); wall_s is around the flow call.
            runs.append({"run": number, **counts, "wall_s": round(seconds, 2), "error": error, "due_after": due})
            log(
                f"run {number}: {seconds:.1f} s, fetched {counts.get('fetched')}, failed {counts.get('failed')},"
                f" gone {counts.get('gone')}, new {counts.get('new')}, due for retry {due}"
                + (f", ERROR {error}" if error else "")
            )
            if due == 0:
                break
        stats = httpx.get(base_url + "/soak/stats.json", timeout=30).json()
    try:
        found = audit(db_path, manifest, stats["bad_bodies"], args.lost_examples)
    except Exception as exc:  # keep the runs' figures, and the database to look at
        kept = Path(tempfile.mkdtemp(prefix="winnow-soak-db-")) / db_path.name
        shutil.copy(db_path, kept)
        log(f"audit failed ({type(exc).__name__}: {exc}); database kept at {kept}")
        found = {
            "audit_error": f"{type(exc).__name__}: {exc}",
            "database_kept": str(kept),
            "pages_lost": None,
            "duplicates_total": None,
        }
    served = stats["served"]
    article_responses = sum(served.values()) - served.get("redirect_loop_hop", 0)
    faulty = article_responses - served.get("clean", 0)
    first = runs[0]
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "pages": args.pages,
        "seed": args.seed,
        "fault_rate": args.fault_rate,
        "permanent_rate": args.permanent_rate,
        "enrich": args.enrich,
        "batch_size": batch_size,
        "extract_workers": workers,
        "prefect_mode": args.prefect,
        "config_allowed_networks": networks,
        "served": {
            "article_responses": article_responses,
            "faulty": faulty,
            "faulty_share": round(faulty / article_responses, 3) if article_responses else None,
            "by_kind": dict(sorted(served.items())),
            "faulty_200_bodies": len(stats["bad_bodies"]),
            "most_requests_for_one_url": stats["requests_per_url_max"],
            "kind_class": manifest["kind_class"],
        },
        "runs": len(runs),
        "per_run": runs,
        "total_s": round(total_s, 2),
        "first_run_pages_per_s": round(args.pages / first["wall_s"], 1),
        "first_run_articles_per_s": round((first.get("new") or 0) / first["wall_s"], 1),
        "overall_pages_per_s": round(args.pages / total_s, 1),
        "due_after_last_run": runs[-1]["due_after"],
        **found,
        "prefect_server_startup_s": round(server.startup_s, 2) if server else None,
        "versions": {"python": platform.python_version(), "duckdb": duckdb.__version__, "prefect": prefect.__version__},
        "cpu_count": os.cpu_count(),
        "loadavg_1m_at_start": round(loadavg, 2),
        "targets": {"pages_lost": LOST_TARGET, "duplicates": DUPLICATES_TARGET},
        "targets_met": {
            "no_pages_lost": found["pages_lost"] is not None and found["pages_lost"] <= LOST_TARGET,
            "no_duplicates": found["duplicates_total"] is not None and found["duplicates_total"] <= DUPLICATES_TARGET,
            "nothing_left_due": runs[-1]["due_after"] == 0,
        },
    }
    return result


if __name__ == "__main__":
    main()

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
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.child_processes import TreeRSS, free_port, peak_rss_mb  # noqa: E402
from bench.prefect_server import prefect_api, stop_ephemeral_servers  # noqa: E402
from bench.report import print_result  # noqa: E402

SOURCE = "soak"
LOST_TARGET = 0
DUPLICATES_TARGET = 0
ALLOWED_NETWORKS = ["127.0.0.0/8"]


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


@contextmanager
def fault_server_process(args: argparse.Namespace) -> Iterator[str]:
    """demo/faults.py in its own process: its threads do not compete for this process's GIL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winnow.demo.faults",
            "--port",
            str(free_port()),
            "--copies",
            str(args.pages),
            "--fault-rate",
            str(args.fault_rate),
            "--permanent-rate",
            str(args.permanent_rate),
            "--seed",
            str(args.seed),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = process.stdout.readline()  # "Serving the faulty demo site at http://127.0.0.1:N/ (...)"
        if " at " not in line:
            raise RuntimeError(f"demo.faults did not start (exit code {process.poll()})")
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_config(path: Path, base_url: str, pages: int, enrich: bool, networks: str | None) -> None:
    """The soak source; `networks`: where `allowed_networks` goes ("source", "defaults" or None)."""
    line = f"allowed_networks: {json.dumps(ALLOWED_NETWORKS)}\n"
    path.write_text(
        "# Written by bench/soak.py: the faulty demo site, rate limit lifted.\n"
        "# The copies repeat each other's text by design: the duplicate check is relaxed, still run.\n"
        "validation:\n  max_duplicate_share: 1.0\n"
        f"enrich:\n  enabled: {'true' if enrich else 'false'}\n"
        + (f"defaults:\n  {line}" if networks == "defaults" else "")
        + "sources:\n"
        f"  - name: {SOURCE}\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        + (f"    {line}" if networks == "source" else "")
        + "    rate_limit: 100000.0\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def config_with_networks(path: Path, base_url: str, pages: int, enrich: bool) -> dict:
    """Write the config with `allowed_networks` where it parses (the key is being added to
    sources/source_config.py); without it if it parses nowhere. Says what happened."""
    from winnow.sources.config import load_config

    errors = {}
    for place in ("source", "defaults", None):
        write_config(path, base_url, pages, enrich, place)
        try:
            load_config(path)
        except Exception as exc:  # ConfigError, or whatever the edited loader raises
            errors[str(place)] = str(exc).splitlines()[-1][:300]
            continue
        return {"allowed_networks": ALLOWED_NETWORKS, "parsed": place is not None, "placed_in": place, "errors": errors}
    raise RuntimeError(f"the soak config does not parse even without allowed_networks: {errors}")


def run_counts(db_path: Path, run_id: str | None) -> dict:
    """The run's row of `runs` (the latest ingest row when the flow raised before returning)."""
    from winnow.schemas.records import RUN_COUNTERS
    from winnow.warehouse import db

    with db.read(db_path) as conn:
        where, params = ("run_id = ?", [run_id]) if run_id else ("flow = 'ingest'", [])
        row = conn.execute(
            f"select run_id, status, {', '.join(RUN_COUNTERS)} from runs where {where}"
            " order by started_at desc limit 1",
            params,
        ).fetchone()
    if row is None:
        return {}
    names = ("run_id", "status", *RUN_COUNTERS)
    return {n: (round(v, 3) if isinstance(v, float) else v) for n, v in zip(names, row)}


def due_count(db_path: Path) -> int:
    from winnow.warehouse import db
    from winnow.warehouse.frontier import MAX_ATTEMPTS

    with db.read(db_path) as conn:
        (due,) = conn.execute(
            "select count(*) from frontier where source = ? and (state = 'pending'"
            " or (state = 'failed' and attempts < ?))",
            [SOURCE, MAX_ATTEMPTS],
        ).fetchone()
    return due


DUPLICATE_KEYS = {  # table: its key (a primary key, or the key the loader keeps unique)
    "articles": "article_id",
    "articles by url": "url",
    "pages": "url, page_hash",
    "frontier": "url",
    "mentions": "article_id, entity_id",
    "events": "event_id",
    "block_sightings": "source, block_key, article_id",
    "article_chaff": "article_id, position",
    "extraction_failures": "url, page_hash",
    "fetch_log (run, url, attempt)": "run_id, url, attempt",
}


def audit(db_path: Path, manifest: dict, bad_bodies: dict[str, str], examples: int) -> dict:
    """Pages lost, duplicates, frontier states and articles made from faulty bodies."""
    import pyarrow as pa

    from winnow.warehouse import db

    urls = manifest["urls"]
    bad_bodies = {**{v["sha256"]: "clean" for v in urls.values()}, **bad_bodies}
    table = pa.table(
        {
            "url": list(urls),
            "sha256": [v["sha256"] for v in urls.values()],
            "permanent": [v["permanent"] for v in urls.values()],
        }
    )
    with db.read(db_path) as conn:
        conn.register("manifest", table)
        conn.register("bad_bodies", pa.table({"sha256": list(bad_bodies), "kind": list(bad_bodies.values())}))
        duplicates = {}
        for name, key in DUPLICATE_KEYS.items():
            table_name = name.split(" ")[0]
            (dup,) = conn.execute(
                f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {table_name}"
                f" group by {key} having count(*) > 1)"
            ).fetchone()
            duplicates[name] = int(dup)
        states = dict(
            conn.execute(
                "select state, count(*) from frontier where source = ? group by state order by state", [SOURCE]
            ).fetchall()
        )
        (in_frontier, distinct_in_frontier, not_in_frontier) = conn.execute("""
            select count(f.url), count(distinct f.url), count(*) filter (where f.url is null)
            from manifest m left join frontier f using (url)""").fetchone()
        (permanent, permanent_gone, permanent_with_article) = conn.execute("""
            select count(*), count(*) filter (where f.state = 'gone'),
                   count(*) filter (where a.url is not null)
            from manifest m left join frontier f using (url) left join articles a on a.url = m.url
            where m.permanent is not null""").fetchone()
        conn.execute("""
            create temp table lost as
            select m.url, f.state, f.attempts, f.last_status, f.last_error,
                   (select l.error from fetch_log l where l.url = m.url and l.error is not null
                    order by l.fetched_at desc limit 1) as last_fetch_error,
                   (select x.reason from extraction_failures x where x.url = m.url
                    order by x.failed_at desc limit 1) as extraction_failure,
                   (select list_distinct(flatten(list(q.checks))) from quarantine q
                    where q.table_name = 'articles' and json_extract_string(q.record, '$.url') = m.url)
                   as quarantine_checks,
                   (select count(*) from pages p where p.url = m.url) as bodies_stored,
                   (select bool_or(p.page_hash = m.sha256) from pages p where p.url = m.url) as clean_body_stored,
                   (select list(p.page_hash) from pages p where p.url = m.url) as stored_hashes
            from manifest m left join frontier f using (url)
            where m.permanent is null and not exists (select 1 from articles a where a.url = m.url)
        """)
        lost = conn.execute("select count(*) from lost").fetchone()[0]
        lost_by = conn.execute("""
            select coalesce(state, '(not in frontier)') as state,
                   case when extraction_failure is not null then 'extraction failure: ' || extraction_failure
                        when quarantine_checks is not null then 'quarantined: ' || array_to_string(quarantine_checks, ', ')
                        else coalesce(last_error, last_fetch_error, '(none)') end as why,
                   count(*) as n
            from lost group by all order by n desc limit 20""").fetchall()
        lost_rows = conn.execute(f"select * from lost order by url limit {int(examples)}")
        names = [d[0] for d in lost_rows.description]
        lost_examples = [dict(zip(names, row)) for row in lost_rows.fetchall()]
        for example in lost_examples:  # which fault made the body that was kept
            example["stored_body_faults"] = [bad_bodies.get(h, "?") for h in example.pop("stored_hashes") or []]
        lost_fault_kinds: dict[str, int] = {}
        for (hashes,) in conn.execute("select stored_hashes from lost").fetchall():
            kind = ", ".join(sorted({bad_bodies.get(h, "?") for h in hashes or []})) or "(no body stored)"
            lost_fault_kinds[kind] = lost_fault_kinds.get(kind, 0) + 1
        (articles, from_faulty_body) = conn.execute("""
            select count(*), count(*) filter (where a.page_hash <> m.sha256)
            from articles a join manifest m on a.url = m.url""").fetchone()
        faulty_kinds = dict(
            conn.execute("""
            select k.kind, count(*) from articles a join manifest m on a.url = m.url
            left join bad_bodies k on k.sha256 = a.page_hash
            where a.page_hash <> m.sha256 group by all""").fetchall()
        )
        faulty_examples = conn.execute("""
            select a.url, a.word_count, left(a.text, 80) from articles a join manifest m on a.url = m.url
            where a.page_hash <> m.sha256 order by a.url limit 5""").fetchall()
        urls_with_several_bodies = conn.execute(
            "select count(*) from (select url from pages group by url having count(*) > 1)"
        ).fetchone()[0]
        quarantined_rows = conn.execute("select table_name, count(*) from quarantine group by all").fetchall()
    return {
        "pages_lost": lost,
        "pages_lost_by_state_and_reason": [{"state": s, "why": w, "urls": n} for s, w, n in lost_by],
        "pages_lost_by_stored_body_fault": lost_fault_kinds,
        "pages_lost_examples": lost_examples,
        "duplicates": duplicates,
        "duplicates_total": sum(duplicates.values()),
        "frontier_states": states,
        "frontier_each_url_one_state": in_frontier == distinct_in_frontier and not_in_frontier == 0,
        "urls_not_in_frontier": not_in_frontier,
        "permanent_urls": permanent,
        "permanent_urls_gone": permanent_gone,
        "permanent_urls_with_article": permanent_with_article,
        "articles": articles,
        "articles_from_faulty_body": from_faulty_body,
        "articles_from_faulty_body_by_fault": faulty_kinds,
        "articles_from_faulty_body_examples": [
            {"url": u, "word_count": w, "text_start": t} for u, w, t in faulty_examples
        ],
        "urls_with_several_bodies_stored": urls_with_several_bodies,
        "quarantine_rows": dict(quarantined_rows),
    }


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

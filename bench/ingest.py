"""Benchmark the ingest flow against plain trafilatura on the same pages; prints JSON to stdout.

    .venv/bin/python bench/ingest.py [--pages 500] [--batch-size 50] [--prefect server|ephemeral]
                                   [--extract-workers N] [--out FILE]

In one process it serves the demo site on 127.0.0.1 with N distinct article URLs (copies of the
30 demo pages, /bench/sitemap.xml), then:

1. baseline: downloads the N pages once (untimed) and times plain `trafilatura.extract(html)`
   over those same bytes, sequentially, after one warm-up call;
2. run 1: the `ingest` flow from an empty DuckDB file (discover, fetch over loopback with the
   rate limit lifted, extract, load), timed around the flow call;
3. run 2: the same flow again over the unchanged pages;
4. run 3: the flow once more into a fresh DuckDB file, in the now warm process (extraction
   pool started, modules imported): the steady-state cost, apart from once-per-process costs;
5. run 4 (unless --no-dask): the flow into a fresh DuckDB file on the Dask runner, a local
   cluster of --dask-workers worker processes that the run starts and stops, against the
   default runner's runs 1 and 3.

The targets (from the issues): run 1 <= 1.5x the baseline, run 2 <= 5% of run 1, validation
<= 10% of the ingest time (printed as validation_share). Since the
enrich step (spaCy) joined the flow, run 1 is also reported without it, like for like with the
baseline; bench/enrich.py measures enrichment against plain spaCy.
Progress goes to stderr; the result (and --out FILE) is one JSON object.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.report import print_result  # noqa: E402
from winnow.flows.environment import configure_prefect  # noqa: E402  (must precede any prefect import)

RATIO_TARGET = 1.5
RERUN_TARGET = 0.05
SOURCE = "bench"
LOADAVG_AT_START = 0.0


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/ingest.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="distinct article URLs to ingest (default 500)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="pages per fetch/extract/load batch (default: the flow's BATCH_SIZE)",
    )
    parser.add_argument(
        "--prefect",
        choices=("server", "ephemeral"),
        default="server",
        help="server: start `prefect server start` first and time its startup apart;"
        " ephemeral: Prefect's temporary server, started inside the first flow call",
    )
    parser.add_argument(
        "--extract-workers", type=int, default=None, help="processes extracting pages (default: one per core)"
    )
    parser.add_argument("--dask-workers", type=int, default=2, help="workers of run 4's local Dask cluster")
    parser.add_argument("--no-dask", action="store_true", help="skip run 4, the Dask runner")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    return args


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def demo_server_process(copies: int) -> Iterator[str]:
    """The demo site in its own process, as a remote site would be: its threads do not compete
    with the ingest for this process's GIL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "winnow.demo.server", "--port", str(free_port()), "--copies", str(copies)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = process.stdout.readline()  # "Serving the demo site at http://127.0.0.1:N/ (...)"
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


class PrefectServer:
    """`prefect server start` on 127.0.0.1 as a child process, in its own process group."""

    def __init__(self, home: Path, log_path: Path) -> None:
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = log_path
        self.home = home
        self.process: subprocess.Popen | None = None
        self.startup_s: float | None = None

    def start(self, timeout_s: float = 180) -> None:
        import httpx

        prefect_cli = Path(sys.executable).with_name("prefect")
        command = [str(prefect_cli)] if prefect_cli.exists() else [sys.executable, "-m", "prefect"]
        command += ["server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "PREFECT_HOME": str(self.home)}
        env.pop("PREFECT_API_URL", None)
        started = time.perf_counter()
        with open(self.log_path, "wb") as out:
            self.process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        deadline = started + timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prefect server exited with {self.process.returncode}:\n{self._tail()}")
            try:
                if httpx.get(self.api_url + "/health", timeout=2).status_code == 200:
                    self.startup_s = time.perf_counter() - started
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"prefect server not healthy after {timeout_s:.0f} s:\n{self._tail()}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the server's own process group; reaped, so its peak RSS
        counts in RUSAGE_CHILDREN."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        try:  # uvicorn workers it may have started (our own group, by its id)
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def _tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def write_config(path: Path, base_url: str, pages: int) -> None:
    path.write_text(
        "# Written by bench/ingest.py: the demo pages under distinct URLs, rate limit lifted.\n"
        "# The copies repeat each other's text by design: the duplicate check is relaxed, still run.\n"
        "validation:\n  max_duplicate_share: 1.0\n"
        "sources:\n"
        f"  - name: {SOURCE}\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        '    allowed_networks: ["127.0.0.0/8"]\n'  # the bench server is on loopback, refused otherwise
        "    rate_limit: 100000.0\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def download_pages(base_url: str) -> list[tuple[str, bytes]]:
    """The bodies the flow will fetch: every URL of the bench sitemap, fetched once, untimed."""
    import httpx
    from lxml import etree

    with httpx.Client(timeout=30) as client:
        sitemap = client.get(base_url + "/bench/sitemap.xml")
        sitemap.raise_for_status()
        urls = [
            loc.text.strip()
            for loc in etree.fromstring(sitemap.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        ]
        pages = []
        for url in urls:
            response = client.get(url)
            response.raise_for_status()
            pages.append((url, response.content))
    return pages


def time_trafilatura(pages: list[tuple[str, bytes]]) -> tuple[float, int]:
    """Seconds for plain trafilatura.extract over every body, and how many gave text."""
    import trafilatura

    trafilatura.extract(pages[0][1])  # warm-up: lazy imports, caches
    started = time.perf_counter()
    extracted = sum(trafilatura.extract(body) is not None for _, body in pages)
    return time.perf_counter() - started, extracted


def time_extract_article(pages: list[tuple[str, bytes]]) -> float:
    """Seconds for the pipeline's own per-page extraction (metadata, hashes) over the same
    bodies, sequentially and without Prefect: separates extraction cost from orchestration."""
    from winnow.schemas.config import ExtractOptions
    from winnow.transforms.extract import PageInput, extract_article

    options = ExtractOptions()
    inputs = [PageInput(url=url, final_url=url, source=SOURCE, body=body, language="en") for url, body in pages]
    extract_article(inputs[0], options)
    started = time.perf_counter()
    for page in inputs:
        extract_article(page, options)
    return time.perf_counter() - started


def run_flow(ingest, config: Path, db_path: Path, pages: int, batch_size: int, extra: dict) -> tuple[float, object]:
    started = time.perf_counter()
    summary = ingest(
        config_path=str(config),
        db_path=str(db_path),
        source_names=[SOURCE],
        max_pages=pages,
        batch_size=batch_size,
        **extra,
    )
    return time.perf_counter() - started, summary


def warm_duckdb() -> float:
    """DuckDB's first statement with parameters imports pandas (~2 s here, where no bytecode is
    cached): a once-per-process cost, taken before the timed runs and reported apart."""
    import duckdb

    started = time.perf_counter()
    duckdb.connect().execute("select ?", [1]).fetchall()
    return time.perf_counter() - started


def counts(summary) -> dict:
    from winnow.schemas.records import RUN_COUNTERS

    return {
        "status": summary.status,
        **{
            name: (round(value, 3) if isinstance(value, float) else value)
            for name in RUN_COUNTERS
            for value in [getattr(summary, name)]
        },
    }


def stop_ephemeral_servers() -> None:
    """Stop (and reap) Prefect's temporary server, so its RSS counts as a child's."""
    try:
        from prefect.server.api.server import SubprocessASGIServer
    except ImportError:
        return
    for server in list(SubprocessASGIServer._instances.values()):
        try:
            server.stop()
        except Exception as exc:  # best effort: only the RSS figure depends on it
            log(f"could not stop Prefect's temporary server: {exc}")


class TreeRSS:
    """Samples the summed RSS of this process and all its descendants (from /proc) in a thread:
    getrusage only sees children once they have exited and been reaped, and then only the largest."""

    def __init__(self, interval_s: float = 0.1) -> None:
        self.interval_s = interval_s
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.sample_kb())
            self._stop.wait(self.interval_s)

    @staticmethod
    def sample_kb() -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                status = (entry / "status").read_text()
            except OSError:  # gone meanwhile
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss[int(entry.name)] = int(line.split()[1])
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo += children.get(pid, [])
        return total


def peak_rss_mb() -> dict:
    # Linux reports ru_maxrss in KiB. RUSAGE_CHILDREN is the largest reaped descendant.
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(self_mb, 1), "children": round(children_mb, 1), "total": round(self_mb + children_mb, 1)}


def main(argv: list[str] | None = None) -> dict:
    global LOADAVG_AT_START
    args = parse_args(argv)
    LOADAVG_AT_START = os.getloadavg()[0]  # other work on the machine skews every figure
    tmp = Path(tempfile.mkdtemp(prefix="winnow-bench-"))
    try:
        with TreeRSS() as tree_rss, prefect_api(args.prefect, tmp, log) as server:
            return _bench(args, tmp, server, tree_rss)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def prefect_api(mode: str, tmp: Path, say) -> Iterator[PrefectServer | None]:
    """Prefect for a benchmark, its state under `tmp`: with mode "server" a `prefect server start`
    of its own (yielded, stopped at the end), else the temporary server the first flow call starts."""
    prefect_home = tmp / "prefect-home"
    prefect_home.mkdir()
    os.environ.pop("PREFECT_API_URL", None)  # ours, not a user's server
    os.environ["PREFECT_HOME"] = str(prefect_home)
    configure_prefect(prefect_home)
    if mode != "server":
        yield None
        return
    server = PrefectServer(prefect_home, tmp / "prefect-server.log")
    say(f"starting prefect server on port {server.port} ...")
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    say(f"prefect server healthy after {server.startup_s:.1f} s")
    try:
        yield server
    finally:
        server.stop()


def _bench(args: argparse.Namespace, tmp: Path, server: PrefectServer | None, tree_rss: TreeRSS) -> dict:
    import duckdb
    import trafilatura

    started_import = time.perf_counter()
    import prefect

    from winnow.flows.ingest import BATCH_SIZE, ingest
    from winnow.warehouse.query import run_query

    import_s = time.perf_counter() - started_import
    batch_size = args.batch_size or BATCH_SIZE
    extra = {}
    from winnow.flows.extraction_pool import default_workers

    extra["extract_workers"] = args.extract_workers or default_workers()
    duckdb_first_use_s = warm_duckdb()

    config = tmp / "sources.yaml"
    db_path = tmp / "bench.duckdb"
    with demo_server_process(args.pages) as base_url:
        write_config(config, base_url, args.pages)
        log(f"demo site at {base_url}; downloading the {args.pages} pages for the baseline ...")
        pages = download_pages(base_url)
        html_mb = sum(len(body) for _, body in pages) / 1e6

        log("timing plain trafilatura.extract ...")
        trafilatura_s, trafilatura_ok = time_trafilatura(pages)
        log(f"trafilatura: {trafilatura_s:.2f} s ({len(pages) / trafilatura_s:.0f} pages/s)")
        extract_article_s = time_extract_article(pages)
        log(f"pipeline extract_article, no Prefect: {extract_article_s:.2f} s")
        del pages

        log(f"run 1: ingest {args.pages} pages, batch size {batch_size}, prefect {args.prefect} ...")
        ingest_s, first = run_flow(ingest, config, db_path, args.pages, batch_size, extra)
        log(f"run 1: {ingest_s:.2f} s, {counts(first)}")
        log("run 2: the same pages again ...")
        rerun_s, second = run_flow(ingest, config, db_path, args.pages, batch_size, extra)
        log(f"run 2: {rerun_s:.2f} s, {counts(second)}")
        log("run 3: warm process (Prefect client, extraction pool, imports ready), fresh DB ...")
        warm_s, third = run_flow(ingest, config, tmp / "bench-warm.duckdb", args.pages, batch_size, extra)
        log(f"run 3: {warm_s:.2f} s, {counts(third)}")
        dask_s = fourth = None
        if not args.no_dask:
            from winnow.schemas.config import RunnerConfig

            log(f"run 4: the Dask runner, a local cluster of {args.dask_workers} worker processes, fresh DB ...")
            dask_s, fourth = run_flow(
                ingest,
                config,
                tmp / "bench-dask.duckdb",
                args.pages,
                batch_size,
                {"runner": RunnerConfig(kind="dask", workers=args.dask_workers)},
            )
            log(f"run 4: {dask_s:.2f} s, {counts(fourth)}")

    (articles_loaded,) = run_query(db_path, "select count(*) from articles where source = ?", [SOURCE]).rows[0]
    if args.prefect == "ephemeral":
        stop_ephemeral_servers()
    if server is not None:
        server.stop()
    rss = peak_rss_mb()

    ratio = ingest_s / trafilatura_s
    rerun_ratio = rerun_s / ingest_s
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "pages": args.pages,
        "html_mb": round(html_mb, 2),
        "batch_size": batch_size,
        "extract_workers": extra.get("extract_workers"),
        "prefect_mode": args.prefect,
        "articles_loaded": articles_loaded,
        "ingest_s": round(ingest_s, 3),
        "pages_per_s": round(args.pages / ingest_s, 1),
        "stages": {
            "discover_s": round(first.discover_seconds, 3),
            "fetch_s": round(first.fetch_seconds, 3),
            "extract_s": round(first.extract_seconds, 3),
            "load_s": round(first.load_seconds, 3),
            "enrich_s": round(first.enrich_seconds, 3),
            "validate_s": round(first.validate_seconds, 3),
            "flow_s": round(first.seconds, 3),
            "note": "summed over batches; fetch, extract and load overlap, so they can add up to more than flow_s;"
            " enrich runs after them",
        },
        "trafilatura_s": round(trafilatura_s, 3),
        "trafilatura_pages_per_s": round(args.pages / trafilatura_s, 1),
        "trafilatura_extracted": trafilatura_ok,
        "extract_article_s": round(extract_article_s, 3),
        "ratio_ingest_to_trafilatura": round(ratio, 2),
        # Issue 5's target: validation (GX suites on every batch, inside load and enrich) <= 10% of the ingest.
        "validation_share": round(first.validate_seconds / ingest_s, 3),
        "validation_share_warm": round(third.validate_seconds / warm_s, 3),
        # Like for like with the baseline: the flow without its enrich step (bench/enrich.py measures that).
        "ratio_ingest_without_enrich_to_trafilatura": round((ingest_s - first.enrich_seconds) / trafilatura_s, 2),
        "ingest_warm_s": round(warm_s, 3),
        "warm_stages": {
            "discover_s": round(third.discover_seconds, 3),
            "fetch_s": round(third.fetch_seconds, 3),
            "extract_s": round(third.extract_seconds, 3),
            "load_s": round(third.load_seconds, 3),
            "enrich_s": round(third.enrich_seconds, 3),
            "validate_s": round(third.validate_seconds, 3),
            "flow_s": round(third.seconds, 3),
        },
        "ratio_warm_ingest_to_trafilatura": round(warm_s / trafilatura_s, 2),
        "rerun_s": round(rerun_s, 3),
        "ratio_rerun_to_first": round(rerun_ratio, 3),
        "run1": counts(first),
        "run2": counts(second),
        "run3_warm": counts(third),
        # Issue 6: the Dask runner against the default one (a process pool of one worker per core),
        # its cluster's start and stop included, as every run on a local cluster pays them.
        "dask": None
        if dask_s is None
        else {
            "workers": args.dask_workers,
            "ingest_s": round(dask_s, 3),
            "speedup_over_default_first_run": round(ingest_s / dask_s, 2),
            "speedup_over_default_warm_run": round(warm_s / dask_s, 2),
            "stages": {
                "fetch_s": round(fourth.fetch_seconds, 3),
                "extract_s": round(fourth.extract_seconds, 3),
                "load_s": round(fourth.load_seconds, 3),
                "enrich_s": round(fourth.enrich_seconds, 3),
                "flow_s": round(fourth.seconds, 3),
            },
            "run": counts(fourth),
        },
        "peak_rss_mb": rss["total"],
        "peak_rss_detail_mb": {
            **rss,
            "tree_sampled": round(tree_rss.peak_kb / 1024, 1),
            "note": "self + largest reaped child (getrusage); tree_sampled: peak of the"
            " summed RSS of this process and every descendant, sampled every 0.1 s",
        },
        "prefect_server_startup_s": round(server.startup_s, 2) if server else None,
        "first_flow_call_includes_prefect_server_start": server is None,
        "import_prefect_and_flow_s": round(import_s, 2),
        "duckdb_first_use_s": round(duckdb_first_use_s, 2),
        "versions": {
            "python": platform.python_version(),
            "trafilatura": trafilatura.__version__,
            "duckdb": duckdb.__version__,
            "prefect": prefect.__version__,
        },
        "cpu_count": os.cpu_count(),
        "loadavg_1m_at_start": round(LOADAVG_AT_START, 2),
        "targets": {"ratio_ingest_to_trafilatura": RATIO_TARGET, "ratio_rerun_to_first": RERUN_TARGET},
        "targets_met": {
            "ingest_within_1_5x_trafilatura": ratio <= RATIO_TARGET,
            "rerun_within_5pct_of_first": rerun_ratio <= RERUN_TARGET,
            "all_pages_loaded": articles_loaded == args.pages,
        },
    }
    print_result(result, args.out)
    return result


if __name__ == "__main__":
    main()

"""One trickling page on a 24-URL site: how long a real `winnow run` takes, and what a run stopped
at 60 s has loaded; prints JSON.

    .venv/bin/python bench/trickle.py [--stop-after 60] [--out FILE]

The site: 23 article pages (copies of the demo pages, one sitemap) and, on a second port, one
article that trickles in. Two runs of the real CLI, each on a fresh database, as a user runs it
(Prefect's temporary server; its home is made once beforehand, as a user's `data/prefect` is):

1. `trickle`: the page sends 8 bytes a second. Reported: the wall time of `winnow run` and of
   its flow, pages loaded, and what the trickle's fetch log says.
2. `stopped`: the page comes at 2 KB/s, fast enough for every time limit of the fetcher but
   minutes long; the run gets SIGTERM at --stop-after seconds, to itself and its process group
   (as `timeout` sends it). Reported: the pages loaded by then, the seconds from the signal to
   the process's end, its exit code, the run's status, and processes left behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.report import print_result  # noqa: E402
from winnow.demo.server import SITE_ROOT, serve_site  # noqa: E402

GOOD_PAGES = 23
WINNOW = Path(sys.executable).with_name("winnow")
TRICKLE_PATH = "/news/trickle.html"
TARGET_INGEST_S = 90
TARGET_LOADED_WHEN_STOPPED = GOOD_PAGES


def log(message: str) -> None:
    print(f"[trickle {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextmanager
def trickling_page(bytes_per_s: int, padding: int) -> Iterator[str]:
    """A server on 127.0.0.1 with /feed.xml listing one demo article that arrives at
    `bytes_per_s` (with `padding` spaces after it); yields its base URL."""
    article = sorted(p for p in SITE_ROOT.rglob("*.html") if "/20" in str(p))[0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body, kind = (
                    (
                        f'<rss version="2.0"><channel><title>t</title><item><link>{base}{TRICKLE_PATH}'
                        "</link></item></channel></rss>"
                    ).encode(),
                    "application/rss+xml",
                )
            elif self.path == TRICKLE_PATH:
                body = article.read_text(encoding="utf-8").replace("{{base_url}}", base).encode() + b" " * padding
                kind = "text/html; charset=utf-8"
            else:
                body, kind = b"", "text/plain"
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            step = max(1, bytes_per_s // 4) if self.path == TRICKLE_PATH else len(body) or 1
            try:
                for offset in range(0, len(body), step):
                    self.wfile.write(body[offset : offset + step])
                    self.wfile.flush()
                    if self.path == TRICKLE_PATH:
                        time.sleep(0.25)
            except OSError:  # the client hung up
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_config(path: Path, site_url: str, trickle_url: str) -> None:
    path.write_text(
        "# Written by bench/trickle.py. The copies repeat each other's text by design.\n"
        "validation:\n  max_duplicate_share: 1.0\nenrich:\n  enabled: false\n"
        "sources:\n  - name: trickle-site\n    feeds:\n"
        f"      - {{kind: sitemap, url: '{site_url}/bench/sitemap.xml'}}\n"
        f"      - {{kind: rss, url: '{trickle_url}/feed.xml'}}\n"
        "    allowed_domains: ['127.0.0.1']\n    allowed_networks: ['127.0.0.0/8']\n"
        "    rate_limit: 100\n    language: en\n",
        encoding="utf-8",
    )


def winnow_env(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "WINNOW_"))}
    return {**env, "PREFECT_HOME": str(prefect_home), "NO_COLOR": "1"}


def run_row(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        status, fetched, failed, new, deferred, seconds = conn.execute(
            "select status, fetched, failed, new, deferred, seconds from runs"
        ).fetchone()
        (articles,) = conn.execute("select count(*) from articles").fetchone()
        trickle = conn.execute(
            "select attempt, status, error, round(elapsed_ms / 1000, 1) from fetch_log where url like ?",
            [f"%{TRICKLE_PATH}"],
        ).fetchall()
    return {
        "status": status,
        "fetched": fetched,
        "failed": failed,
        "new": new,
        "deferred": deferred,
        "flow_s": round(seconds, 2),
        "articles": articles,
        "trickle_fetch_log": [dict(zip(("attempt", "status", "error", "seconds"), row)) for row in trickle],
    }


def leftovers(pid: int) -> list[str]:
    """Processes of the run still alive: its group, or a temporary API server it started."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            group = os.getpgid(int(entry.name))
        except (OSError, ValueError):
            continue
        if group == pid or f"flows.api_server {pid} " in command:
            found.append(command[:100])
    return found


def ingest(config: Path, db: Path, env: dict[str, str], stop_after_s: float | None) -> dict:
    started = time.perf_counter()
    run = subprocess.Popen(
        [str(WINNOW), "run", "--config", str(config), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    result: dict = {}
    try:
        code = run.wait(timeout=stop_after_s)
    except subprocess.TimeoutExpired:
        signalled = time.perf_counter()
        os.kill(run.pid, signal.SIGTERM)
        os.killpg(run.pid, signal.SIGTERM)
        code = run.wait(timeout=120)
        result["signal_to_exit_s"] = round(time.perf_counter() - signalled, 2)
    result.update(exit_code=code, wall_s=round(time.perf_counter() - started, 2))
    time.sleep(2)  # what ends with the run (its server, its workers) has a moment to go
    result["processes_left"] = leftovers(run.pid)
    result.update(run_row(db))
    output = run.stdout.read()
    result["stderr_tail"] = output.splitlines()[-2:]
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench/trickle.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stop-after", type=float, default=60.0, help="seconds before the SIGTERM (default 60)")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    loadavg = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="winnow-trickle-") as folder:
        tmp = Path(folder)
        env = winnow_env(tmp / "prefect-home")
        with serve_site(port=0, copies=GOOD_PAGES) as site_url:
            log("making the Prefect home (its first server creates its database)")
            empty = tmp / "empty.yaml"
            empty.write_text(
                "sources:\n  - {name: none, enabled: false, feeds: [{kind: rss, url: 'https://x.example/f'}]}\n"
            )
            subprocess.run(
                [str(WINNOW), "run", "--config", str(empty), "--db", str(tmp / "warm.duckdb")],
                env=env,
                capture_output=True,
                check=False,
            )
            runs = {}
            for name, (rate, padding, stop) in {
                "trickle": (8, 0, None),
                "stopped": (2048, 1_000_000, args.stop_after),
            }.items():
                with trickling_page(rate, padding) as trickle_url:
                    config = tmp / f"{name}.yaml"
                    write_config(config, site_url, trickle_url)
                    log(f"{name}: winnow run, the trickling page at {rate} bytes/s")
                    runs[name] = ingest(config, tmp / f"{name}.duckdb", env, stop)
                    log(f"{name}: {runs[name]['wall_s']} s, {runs[name]['articles']} articles")
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "good_pages": GOOD_PAGES,
        "loadavg_1m_at_start": round(loadavg, 2),
        **runs,
        "targets": {"ingest_s": TARGET_INGEST_S, "loaded_when_stopped": TARGET_LOADED_WHEN_STOPPED},
        "targets_met": {
            "ingest_under_90_s": runs["trickle"]["wall_s"] < TARGET_INGEST_S,
            "every_good_page_loaded_when_stopped": runs["stopped"]["articles"] >= TARGET_LOADED_WHEN_STOPPED,
        },
    }
    print_result(result, args.out)
    return result


if __name__ == "__main__":
    main()

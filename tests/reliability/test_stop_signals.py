"""Stopping a real `winnow run` with a real signal, as `timeout`, Ctrl-C, `docker stop` or a
Prefect cancellation does: the run stops fetching, loads what it fetched, is recorded as
`cancelled`, exits within seconds with 128 + the signal's number, and leaves no process behind;
the next run goes on from there. The runs start Prefect's temporary API server (no
PREFECT_API_URL), since whether it survives the stop, or outlives the run, is part of the test."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo_site import ARTICLES, demo_page
from tests.support.feeds import urlset
from tests.support.localserver import LocalServer, Reply, Request, in_turn
from tests.support.prefect_homes import prefect_home_from
from tests.support.queries import rows
from tests.support.winnow_process import assert_clean, count, holder_pid, killable_run, run_winnow, wait_for, winnow_env
from winnow.flows.page_batches import BATCH_WAIT_ENV

PAGES = 40
RATE = 4.0  # pages per second: ten seconds of fetching when nothing is held, batches written all along
OPEN_PAGES = 10  # copies served at once; each later request waits for `Site.release`, HOLD_S at most
HOLD_S = 15  # under the fetcher's 20 s read timeout: a held page comes late, never fails
STOP_WITHIN_S = 15  # from the signal to the process's end (the run's stop takes a few seconds)
BATCH_WAIT_S = 1  # not the default 5 s: a batch every second or so while pages come


@dataclass
class Site:
    config: Path  # the sources config
    release: threading.Event  # set: the requests past the first OPEN_PAGES copies are answered at once


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    """PAGES article copies on one server, each request past the first OPEN_PAGES held until the
    test releases them or HOLD_S passes (so that a test can stop the run while it is fetching,
    however slow the machine), and on another a page that trickles in for minutes the first time
    it is asked for (then it comes at once)."""
    copies, slow_server, release = LocalServer().start(), LocalServer().start(), threading.Event()
    answered = itertools.count()

    def held_copy(body: bytes) -> Callable[[Request], Reply]:
        def handler(request: Request) -> Reply:
            if next(answered) >= OPEN_PAGES:
                release.wait(HOLD_S)
            return Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})

        return handler

    urls = []
    for i, article in enumerate(itertools.islice(itertools.cycle(ARTICLES), PAGES)):
        path = f"/{i}/{article}"  # each copy its own page: its canonical URL rewritten to its own
        copies.routes[path] = held_copy(
            demo_page(copies, article).replace(copies.url("/" + article), copies.url(path)).encode()
        )
        urls.append(copies.url(path))
    copies.add("/sitemap.xml", urlset(*(f"<url><loc>{url}</loc></url>" for url in urls)), "application/xml")
    slow = "/" + ARTICLES[0]
    page = demo_page(slow_server, slow).encode()
    slow_server.routes[slow] = in_turn(
        Reply(200, page + b" " * 1_000_000, {"Content-Type": "text/html"}, trickle_s=0.5, trickle_bytes=2_000),
        Reply(200, page, {"Content-Type": "text/html"}),
    )
    slow_server.add(
        "/feed.xml",
        f'<rss version="2.0"><channel><title>t</title><item><link>{slow_server.url(slow)}'
        "</link></item></channel></rss>",
        "application/rss+xml",
    )
    config = tmp_path / "sources.yaml"
    config.write_text(
        "validation:\n  enabled: false\nenrich:\n  enabled: false\n"  # not what is tested: seconds each
        "sources:\n  - name: copies\n    feeds:\n"
        f"      - {{kind: sitemap, url: '{copies.url('/sitemap.xml')}'}}\n"
        f"      - {{kind: rss, url: '{slow_server.url('/feed.xml')}'}}\n"
        f"    allowed_domains: ['127.0.0.1']\n    allowed_networks: ['127.0.0.0/8']\n"
        f"    rate_limit: {RATE}\n    max_pages: {PAGES + 1}\n    language: en\n",
        encoding="utf-8",
    )
    yield Site(config, release)
    release.set()  # the held requests' threads end
    copies.stop()
    slow_server.stop()


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory, migrated_prefect_db) -> Path:
    """One Prefect home for the module's runs, its database migrated already."""
    return prefect_home_from(migrated_prefect_db, tmp_path_factory.mktemp("prefect-home"))


def temporary_server_env(tmp_path: Path, prefect_home: Path) -> dict[str, str]:
    """The environment of a run that starts its own temporary API server, and loads a batch once
    its first page has waited BATCH_WAIT_S: the tests wait for loads."""
    env = winnow_env(tmp_path, "")
    del env["PREFECT_API_URL"]
    env.update(PREFECT_HOME=str(prefect_home), **{BATCH_WAIT_ENV: str(BATCH_WAIT_S)})
    return env


def api_servers_of(pid: int) -> list[int]:
    """The temporary API server processes that the winnow process `pid` started."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if command[1:4] == [b"-m", b"winnow.flows.api_server", str(pid).encode()]:
            found.append(int(entry.name))
    return found


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def wait_for_end(run: subprocess.Popen, within_s: float) -> tuple[int, str]:
    """The exit code and output of a run asked to stop, which must end within `within_s`."""
    try:
        code = run.wait(timeout=within_s)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the run did not end within {within_s} s of the signal")
    run.output.seek(0)
    return code, run.output.read()


@contextmanager
def no_process_left(run: subprocess.Popen) -> Iterator[None]:
    yield
    deadline = time.monotonic() + 5
    while not (group_is_gone(run.pid) and not api_servers_of(run.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert group_is_gone(run.pid), "a process of the run's group outlived it"
    assert api_servers_of(run.pid) == [], "the temporary API server outlived the run"


@pytest.mark.slow
def test_sigterm_to_the_run_and_its_group_mid_fetch_stops_it_and_the_next_run_goes_on(
    site, tmp_path, prefect_home, prefect_harness
):
    """What `timeout 60 winnow run` does at 60 s: SIGTERM to winnow, then to its whole group."""
    env, db = temporary_server_env(tmp_path, prefect_home), tmp_path / "w.duckdb"
    args = ["run", "--config", str(site.config), "--db", str(db)]
    with killable_run(args, tmp_path, env) as run:
        # Pages are loaded as they arrive, while the next copy and the slow page are still coming in.
        loaded = f"{OPEN_PAGES} articles loaded"
        wait_for(lambda: (count(db, "select count(*) from articles") or 0) >= OPEN_PAGES, run, loaded)
        with no_process_left(run):
            os.kill(run.pid, signal.SIGTERM)
            os.killpg(run.pid, signal.SIGTERM)
            code, output = wait_for_end(run, STOP_WITHIN_S)
    site.release.set()

    assert code == 128 + signal.SIGTERM, output
    assert "Traceback" not in output
    assert "stopped by SIGTERM: what was fetched is loaded" in output
    ((status, fetched, new, deferred),) = rows(db, "select status, fetched, new, deferred from runs")
    # OPEN_PAGES, unless the machine was so slow that a held page came after HOLD_S.
    assert status == "cancelled" and OPEN_PAGES <= new == fetched < PAGES and deferred == PAGES + 1 - fetched
    assert rows(db, "select count(*) from articles") == [(new,)]
    assert rows(db, "select state, count(*) from frontier group by all order by 1") == [
        ("fetched", new),
        ("pending", PAGES + 1 - new),
    ]  # the slow page among them: cut off, asked again next run

    site.config.write_text(site.config.read_text().replace(f"rate_limit: {RATE}", "rate_limit: 100"), encoding="utf-8")
    # Against the session's Prefect server: a second temporary one would add ~15 s.
    finishing = run_winnow(args, tmp_path, {**env, "PREFECT_API_URL": prefect_harness})
    assert_clean(finishing)
    assert [status for (status,) in rows(db, "select status from runs order by started_at")] == [
        "cancelled",
        "completed",
    ]
    assert rows(db, "select count(*), count(distinct url) from articles") == [(PAGES + 1, PAGES + 1)]
    # Each page was fetched and loaded once: what the stopped run cut off left no trace.
    assert rows(db, "select count(*), count(distinct url) from fetch_log where kind = 'page'") == [
        (PAGES + 1, PAGES + 1)
    ]


@pytest.mark.slow
def test_ctrl_c_while_a_batch_is_written_finishes_it_and_records_the_run(site, tmp_path, prefect_home):
    """Ctrl-C in a terminal: SIGINT to the whole group, here while the run writes a batch."""
    env, db = temporary_server_env(tmp_path, prefect_home), tmp_path / "w.duckdb"
    site.release.set()  # pages keep coming, and batches with them
    with killable_run(["run", "--config", str(site.config), "--db", str(db)], tmp_path, env) as run:
        wait_for(lambda: (count(db, "select count(*) from articles") or 0) > 0, run, "a batch loaded")
        wait_for(lambda: holder_pid(db) == run.pid, run, "the next write")
        with no_process_left(run):
            os.killpg(run.pid, signal.SIGINT)
            code, output = wait_for_end(run, STOP_WITHIN_S)

    assert code == 128 + signal.SIGINT, output
    assert "Traceback" not in output and "stopped by SIGINT" in output
    ((status, fetched, new),) = rows(db, "select status, fetched, new from runs")
    assert status == "cancelled" and 0 < new == fetched
    assert rows(db, "select count(*) from articles") == [(new,)]
    assert rows(db, "select count(*) from frontier where state = 'fetched'") == [(new,)]
    assert rows(db, "select count(*), count(distinct url) from fetch_log where kind = 'page'") == [(new, new)]


@pytest.mark.slow
def test_a_run_killed_after_sigterm_leaves_no_process_behind(site, tmp_path, prefect_home):
    """SIGTERM to the run's own process, then SIGKILL before it could finish: its temporary API
    server and its extraction workers end with it."""
    env, db = temporary_server_env(tmp_path, prefect_home), tmp_path / "w.duckdb"
    with killable_run(["run", "--config", str(site.config), "--db", str(db)], tmp_path, env) as run:
        wait_for(lambda: (count(db, "select count(*) from frontier") or 0) > 0, run, "URLs queued")
        assert api_servers_of(run.pid)
        with no_process_left(run):
            os.kill(run.pid, signal.SIGTERM)
            time.sleep(0.3)
            os.kill(run.pid, signal.SIGKILL)
            assert run.wait(timeout=5) == -signal.SIGKILL
    # The next run marks it crashed (tests/reliability/test_crash.py); nothing else holds the file.
    assert holder_pid(db) is None

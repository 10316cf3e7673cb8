"""Fixtures of the whole suite: a programmable HTTP server, free ports, and Prefect.

Flow tests (marked `prefect`) share one temporary API server (the CLI's own, flows/api_server.py)
per test run, the xdist workers too, started only when a test marked `prefect` runs. Every Prefect
server of the suite starts from a copy of one migrated database, made once per test run: the
migrations take about 10 s here, the start from the copy about 5 s. Prefect reads its settings when it is first imported, so the
environment is set before that import, and test modules import Prefect (through flows/) lazily.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.feeds import add_news_site
from tests.support.localserver import LocalServer
from tests.support.prefect_homes import prefect_home_from


@pytest.fixture
def http_server():
    """A fresh programmable HTTP server on 127.0.0.1 for one test."""
    server = LocalServer().start()
    yield server
    server.stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "prefect: runs Prefect flows against the session's test API server")


# A test using one of these runs Prefect: the session's server, or servers of its own (the demo
# end-to-end test asks for the session's server only once its first run is under way).
PREFECT_FIXTURES = {"prefect_harness", "migrated_prefect_db"}


def pytest_collection_modifyitems(config, items):
    """Under xdist, the longest files come first: those with the most `slow` tests, then those
    with the most tests that run Prefect flows (seconds each), then the others by their number of
    tests (xdist's own order, turned off by `--no-loadscope-reorder` in the Makefile). xdist hands
    files out in this order as workers free up: sorted by test count alone, the few long
    end-to-end files came last, and one worker ran them for minutes while the other idled."""
    if not hasattr(config, "workerinput"):
        return
    slow, flows, tests = Counter(), Counter(), Counter()
    for item in items:
        tests[item.path] += 1
        slow[item.path] += item.get_closest_marker("slow") is not None
        flows[item.path] += item.get_closest_marker("prefect") is not None or bool(
            PREFECT_FIXTURES & set(item.fixturenames)
        )
    # Stable: a file's tests keep their order.
    items.sort(key=lambda item: (-slow[item.path], -flows[item.path], -tests[item.path]))


@pytest.fixture
def free_port():
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


HARNESS_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


@pytest.fixture(scope="session")
def migrated_prefect_db(tmp_path_factory) -> Path:
    """A Prefect database with every migration applied, made once per test run and shared by the
    xdist workers: a Prefect server whose home starts from a copy (`prefect_home_from`) skips
    the migrations, about 10 s of each start here."""
    shared = _workers_folder(tmp_path_factory)
    template = shared / "prefect-migrated" / "prefect.db"
    with open(shared / "prefect-migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker makes it; the others wait for it
        if not template.exists():
            home = template.parent / "home"
            home.mkdir(parents=True)  # Prefect makes its home, not the folders above it
            env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
            subprocess.run(
                [str(Path(sys.executable).with_name("prefect")), "server", "database", "upgrade", "-y"],
                env={**env, **HARNESS_ENV, "PREFECT_HOME": str(home)},
                check=True,
                capture_output=True,
            )
            (home / "prefect.db").rename(template)
    return template


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory, migrated_prefect_db):
    """A temporary Prefect API server for every flow run of the test run, the CLI's own
    (flows/api_server.py); yields its API URL. Under xdist the workers share one: the first to
    need it starts it (it dies with that worker's process), the others use it, and the one that
    started it waits at its end until the others are done with it. A server each cost ~5 s of
    CPU to start and ~1% of a core while it idled."""
    if "prefect" in sys.modules:
        pytest.fail("prefect was imported before its test settings were set; import it lazily in tests")
    shared = _workers_folder(tmp_path_factory)
    home = tmp_path_factory.mktemp("prefect-home")  # this process's Prefect home (the server's, if it starts it)
    env = {**HARNESS_ENV, "PREFECT_HOME": str(home)}
    saved = {name: os.environ.get(name) for name in [*env, "PREFECT_API_URL"]}
    os.environ.update(env)
    try:
        with _harness_state(shared) as state:
            if state.get("owner") and not state.get("closed") and _alive(state["owner"]):
                state["users"].append(os.getpid())
                os.environ["PREFECT_API_URL"] = api_url = state["url"]
            else:
                from winnow.flows.api_server import start_temporary_server

                prefect_home_from(migrated_prefect_db, home)
                api_url = start_temporary_server()  # stopped when this process exits
                state.update(url=api_url, owner=os.getpid(), users=[os.getpid()], closed=False)
        owner = state["owner"] == os.getpid()
        yield api_url
        _leave_harness(shared, owner)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _workers_folder(tmp_path_factory) -> Path:
    """The folder the xdist workers share (the base temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _harness_state(shared: Path) -> Iterator[dict]:
    """The shared server's record (url, owner pid, user pids, closed), read and written back
    under a lock."""
    record = shared / "prefect-harness.json"
    with open(shared / "prefect-harness.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = json.loads(record.read_text()) if record.exists() else {}
        yield state
        record.write_text(json.dumps(state))


def _leave_harness(shared: Path, owner: bool) -> None:
    """This process is done with the server; the one that started it waits for the others."""
    while True:
        with _harness_state(shared) as state:
            if not owner:
                state["users"] = [pid for pid in state["users"] if pid != os.getpid()]
                return
            others = [pid for pid in state["users"] if pid != os.getpid() and _alive(pid)]
            if not others:
                state["closed"] = True
                return
        time.sleep(0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(autouse=True)
def _prefect_when_marked(request):
    """Tests marked `prefect` run their flows against the session's harness server."""
    if request.node.get_closest_marker("prefect"):
        request.getfixturevalue("prefect_harness")


@pytest.fixture(autouse=True)
def _validator_of_the_test(monkeypatch):
    """Each test validates with a GX validator of its own, as each `winnow` process does. One
    shared by a worker's tests kept every earlier test's suites and results, and each run's Data
    Docs, built whole in the test's new folder, grew with them (seconds a run late in a session)."""
    from winnow.schemas import validate

    monkeypatch.setattr(validate, "_validator", None)


@pytest.fixture(scope="module")
def news_site():
    """A news site as `sources add` meets it (tests.support.feeds.add_news_site), one per module."""
    server = LocalServer().start()
    add_news_site(server)
    yield server
    server.stop()

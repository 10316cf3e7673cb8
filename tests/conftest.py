"""Fixtures of the whole suite: a programmable HTTP server, free ports, and Prefect.

Flow tests (marked `prefect`) share one temporary API server (the CLI's own, flows/api_server.py)
per session (per xdist worker), started only when a test marked `prefect` runs. Every Prefect
server of the suite starts from a copy of one migrated database, made once per test run: the
migrations take about 10 s here, the start from the copy about 5 s. Prefect reads its settings when it is first imported, so the
environment is set before that import, and test modules import Prefect (through flows/) lazily.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections import Counter
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
        flows[item.path] += item.get_closest_marker("prefect") is not None or "prefect_harness" in item.fixturenames
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
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the workers' common folder
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
    """A temporary Prefect API server for every flow run of the session, the CLI's own
    (flows/api_server.py); yields its API URL."""
    if "prefect" in sys.modules:
        pytest.fail("prefect was imported before its test settings were set; import it lazily in tests")
    home = prefect_home_from(migrated_prefect_db, tmp_path_factory.mktemp("prefect-home"))
    env = {**HARNESS_ENV, "PREFECT_HOME": str(home)}
    saved = {name: os.environ.get(name) for name in [*env, "PREFECT_API_URL"]}
    os.environ.update(env)
    try:
        from winnow.flows.api_server import start_temporary_server

        yield start_temporary_server()  # stopped when the session's process exits
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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

"""Fixtures of the whole suite: a programmable HTTP server, free ports, and Prefect.

Flow tests (marked `prefect`) share one temporary API server (prefect_test_harness) per session
(per xdist worker). Starting it takes about 20 s here, so it is started once, and only when a
test marked `prefect` runs. Prefect reads its settings when it is first imported, so the
environment is set before that import, and test modules import Prefect (through flows/) lazily.
"""

from __future__ import annotations

import os
import sys

import pytest

from tests.localserver import LocalServer


@pytest.fixture
def http_server():
    """A fresh programmable HTTP server on 127.0.0.1 for one test."""
    server = LocalServer().start()
    yield server
    server.stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "prefect: runs Prefect flows against the session's test API server")


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
def prefect_harness(tmp_path_factory):
    """A temporary Prefect API server for every flow run of the session; yields its API URL."""
    if "prefect" in sys.modules:
        pytest.fail("prefect was imported before its test settings were set; import it lazily in tests")
    env = {**HARNESS_ENV, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home"))}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        from prefect.settings import PREFECT_API_URL
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            yield PREFECT_API_URL.value()
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

from __future__ import annotations

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

from __future__ import annotations

import pytest

from tests.localserver import LocalServer


@pytest.fixture
def http_server():
    """A fresh programmable HTTP server on 127.0.0.1 for one test."""
    server = LocalServer().start()
    yield server
    server.stop()

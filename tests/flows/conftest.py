"""Prefect for the flow tests: one temporary API server (prefect_test_harness) for the session.

Starting the server takes about 20 s here, so it is started once, and only when a test marked
`prefect` runs. Prefect reads its settings when it is first imported, so the environment is
set before that import, and the test modules import Prefect (through flows.ingest) lazily.
"""

from __future__ import annotations

import os
import sys

import pytest

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

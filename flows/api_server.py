"""The temporary Prefect API server of a `winnow` command run without PREFECT_API_URL.

Prefect starts one by itself (its "ephemeral" server), but as an ordinary child process: a
signal sent to the whole process group (`timeout`, Ctrl-C in a terminal) stops it before the
run has recorded how it ended, and a winnow process killed outright leaves it running as an
orphan. winnow starts the same server (Prefect's app, with no UI and no background services)
in a session of its own, so that only winnow decides when it stops, and on Linux asks the kernel
to end it when winnow's process dies, however it dies.

    python -m winnow.flows.api_server PARENT_PID PORT   # the server process itself (Linux: dies with PARENT_PID)
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time

import httpx

# Prefect's own switches for its temporary server (prefect/server/api/server.py, SubprocessASGIServer).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 5.0
PR_SET_PDEATHSIG = 1


class ServerFailed(RuntimeError):
    """The temporary server did not come up."""


def start_temporary_server() -> str:
    """Start the server and point this process's Prefect at it (PREFECT_API_URL); it is stopped
    when this process exits. Call before Prefect is imported. Returns the API URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "winnow.flows.api_server", str(os.getpid()), str(port)],
        env={**os.environ, **SERVER_ENV},
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    atexit.register(_stop, process)
    api_url = f"http://127.0.0.1:{port}/api"
    _wait_until_healthy(process, api_url)
    os.environ["PREFECT_API_URL"] = api_url
    return api_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(process: subprocess.Popen, api_url: str) -> None:
    why = unhealthy(process, api_url, STARTUP_TIMEOUT_S)
    if why is not None:
        _stop(process)
        raise ServerFailed(f"Prefect's temporary API server {why}")


def unhealthy(process: subprocess.Popen, api_url: str, timeout_s: float, poll_s: float = 0.1) -> str | None:
    """Poll a starting Prefect server's /health: None once it answers, else why not, in words
    ("exited with code 1", "did not answer within 90 s")."""
    deadline = time.monotonic() + timeout_s
    # One client for every poll: each new one loads the CA bundle (50 ms of CPU), which polling
    # took from the starting server.
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return f"exited with code {process.returncode}"
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return None
            except httpx.HTTPError:
                pass
            time.sleep(poll_s)
    return f"did not answer within {timeout_s:g} s"


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _serve(parent_pid: int, port: int) -> None:
    """The server process: dies with its parent (Linux), then serves Prefect's API until stopped."""
    if sys.platform.startswith("linux"):
        import ctypes

        # SIGKILL, not SIGTERM: with its parent gone nobody is left to answer, and uvicorn's graceful
        # shutdown (the app's lifespan end) took over 5 s on a loaded machine. SQLite's journal
        # keeps Prefect's database whole.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent_pid:  # the parent died before the kernel was told to watch it
            return
    import uvicorn

    uvicorn.run(
        "prefect.server.api.server:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="error",
        lifespan="on",
    )


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))

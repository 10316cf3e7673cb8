"""Prefect for a benchmark: a `prefect server start` of its own, or Prefect's temporary server,
with its state in the benchmark's temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from bench.child_processes import free_port
from winnow.flows.environment import configure_prefect  # must precede any prefect import


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
        from winnow.flows.api_server import unhealthy

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
        why = unhealthy(self.process, self.api_url, timeout_s, poll_s=0.2)
        if why is None:
            self.startup_s = time.perf_counter() - started
            return
        self.stop()
        raise RuntimeError(f"prefect server {why}:\n{self._tail()}")

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


@contextmanager
def prefect_api(mode: str, tmp: Path, say: Callable[[str], None]) -> Iterator[PrefectServer | None]:
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


def stop_ephemeral_servers(say: Callable[[str], None]) -> None:
    """Stop (and reap) Prefect's temporary server, so its RSS counts as a child's."""
    try:
        from prefect.server.api.server import SubprocessASGIServer
    except ImportError:
        return
    for server in list(SubprocessASGIServer._instances.values()):
        try:
            server.stop()
        except Exception as exc:  # best effort: only the RSS figure depends on it
            say(f"could not stop Prefect's temporary server: {exc}")

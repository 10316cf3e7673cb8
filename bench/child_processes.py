"""What the benchmarks need of their child processes: a free port on 127.0.0.1 to serve on, the
peak RSS of this process and its descendants, and the CPU time they spend."""

from __future__ import annotations

import os
import resource
import socket
import threading
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TreeRSS:
    """Samples the summed RSS of this process and all its descendants (from /proc) in a thread:
    getrusage only sees children once they have exited and been reaped, and then only the largest."""

    def __init__(self, interval_s: float = 0.1) -> None:
        self.interval_s = interval_s
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.sample_kb())
            self._stop.wait(self.interval_s)

    @staticmethod
    def sample_kb() -> int:
        rss: dict[int, int] = {}
        for pid in _descendants(os.getpid(), set()):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:  # gone meanwhile
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    rss[pid] = int(line.split()[1])
        return sum(rss.values())


def tree_cpu_seconds(leave_out: set[int]) -> float:
    """CPU seconds (user + system) spent so far by this process, its live descendants except the
    subtrees of `leave_out` (a server the benchmark started, say), and the descendants it reaped."""
    ticks = 0
    for pid in _descendants(os.getpid(), leave_out):
        fields = _stat_fields(pid)
        if fields:  # utime, stime; and for this process, its reaped children's cutime, cstime
            ticks += sum(int(field) for field in fields[11 : 15 if pid == os.getpid() else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def child_pids() -> set[int]:
    """The processes this one has started and that still run."""
    return {pid for pid in _descendants(os.getpid(), set()) if _stat_fields(pid)[1:2] == [str(os.getpid())]}


def _descendants(root: int, leave_out: set[int]) -> list[int]:
    """`root` and its descendants (from /proc), without the subtrees of `leave_out`."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid not in leave_out:
            found.append(pid)
            todo += children.get(pid, [])
    return found


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat's fields after the command name (state, ppid, ...); [] for a process gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def peak_rss_mb() -> dict:
    # Linux reports ru_maxrss in KiB. RUSAGE_CHILDREN is the largest reaped descendant.
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(self_mb, 1), "children": round(children_mb, 1), "total": round(self_mb + children_mb, 1)}

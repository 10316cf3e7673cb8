"""Pacing of requests: per-host spacing, retry backoff and Retry-After."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """`scheme://host:port` of a web URL: the unit that rate limits and robots.txt apply to.

    Raises ValueError for a URL whose port is not a number (check URLs before pacing them).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{scheme}://{host}:{parts.port or DEFAULT_PORTS.get(scheme, 0)}"


@dataclass
class _HostPace:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float | None = None  # loop time of the last request to this host
    min_interval: float = 0.0  # a floor set by robots.txt Crawl-delay


class HostRateLimiter:
    """Spaces requests to each host at least 1/rate seconds apart, across concurrent callers.

    Hosts are independent: waiting for one never delays another.
    """

    def __init__(self) -> None:
        self._hosts: dict[str, _HostPace] = {}

    async def wait(self, origin: str, rate_per_s: float) -> None:
        """Return when a request to `origin` may start, and count it as started."""
        pace = self._hosts.setdefault(origin, _HostPace())
        loop = asyncio.get_running_loop()
        # The lock is held while sleeping so callers queue up in arrival order (asyncio.Lock
        # is FIFO) and each one measures its gap from the request just before it.
        async with pace.lock:
            interval = max(1.0 / rate_per_s, pace.min_interval)
            if pace.last_start is not None:
                delay = pace.last_start + interval - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            pace.last_start = loop.time()

    def slow_down(self, origin: str, interval_s: float) -> None:
        """Keep requests to `origin` at least `interval_s` apart from now on (never speeds up)."""
        pace = self._hosts.setdefault(origin, _HostPace())
        pace.min_interval = max(pace.min_interval, interval_s)


def backoff_delay(attempt: int, base_s: float, cap_s: float) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped,
    with jitter so that many clients retrying together spread out."""
    return min(cap_s, base_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks us to wait (delta-seconds or an HTTP date), or None
    when there is no usable header."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" dates come back naive; HTTP dates are always GMT
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())

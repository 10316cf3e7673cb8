"""robots.txt: fetched once per host per run, parsed with urllib.robotparser, cached with failures.

How a fetch of robots.txt is read follows RFC 9309 §2.3.1: a 2xx body holds the rules; a 3xx
(too many redirects) or 4xx means there are none (allow all); a 5xx, a 429 or no answer at all
means the host cannot tell us, so nothing on it is fetched this run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Awaitable, Callable
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

from schemas.records import FetchResult
from sources.ratelimit import origin_of


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt allows.

    `parser` is None when the host has no rules; `unreachable` says why robots.txt could not
    be read, in which case nothing is allowed.
    """

    parser: RobotFileParser | None = None
    unreachable: str | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether `user_agent` may fetch `url`."""
        if self.unreachable:
            return False
        return self.parser is None or self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds the host asks `user_agent` to leave between requests, if it says."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay else None


def parse_robots(body: bytes) -> RobotsRules:
    """The rules in a robots.txt body."""
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    parser.modified()  # can_fetch refuses everything until it believes the file was read
    return RobotsRules(parser)


def rules_from_fetch(result: FetchResult) -> RobotsRules:
    """Interpret the fetch of a robots.txt (see the module docstring)."""
    if result.outcome == "fetched":
        return parse_robots(result.body or b"")
    if result.status is not None and 300 <= result.status < 500 and result.status != 429:
        return RobotsRules()
    return RobotsRules(unreachable=result.error or f"HTTP {result.status}")


Download = Callable[[str, Any], Awaitable[FetchResult]]


class RobotsCache:
    """robots.txt rules per origin, fetched at most once: the first caller for a host fetches,
    concurrent callers for the same host wait for that answer."""

    def __init__(self, download: Download) -> None:
        """`download(robots_url, policy)` fetches a robots.txt (rate limited, no robots check)."""
        self._download = download
        self._locks: dict[str, asyncio.Lock] = {}
        self._rules: dict[str, RobotsRules] = {}

    async def rules_for(self, url: str, policy: Any) -> RobotsRules:
        """The rules of the host serving `url`."""
        origin = origin_of(url)
        async with self._locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._rules:
                result = await self._download(urljoin(url, "/robots.txt"), policy)
                self._rules[origin] = rules_from_fetch(result)
        return self._rules[origin]

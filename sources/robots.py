"""robots.txt: fetched once per host per run, read as RFC 9309 reads it, cached with failures.

Which group of rules applies is decided here (RFC 9309 §2.2.1): each group's user-agent names
are compared, exactly and case-insensitively, with our product token; all groups naming it are
combined; if none does, the `*` groups apply; if there are none either, everything is allowed.
Protego (Scrapy's parser) is then given only that group's rules and matches paths against them:
longest match wins, Allow on a tie, `*` and `$` wildcards, percent-encoding normalised. It is
not given the whole file because it matches user agents by prefix (`User-agent: win` would
catch `winnow`).

How a fetch of robots.txt is read follows RFC 9309 §2.3.1: a 2xx body holds the rules; a 3xx
(too many redirects) or 4xx means there are none (allow all); a 5xx, a 429 or no answer at all
means the host cannot tell us, so nothing on it is fetched this run.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Awaitable, Callable, Iterator
from urllib.parse import urljoin

from protego import Protego

from winnow.schemas.records import FetchResult
from winnow.sources.ratelimit import origin_of

# RFC 9309 §2.5: a crawler must parse at least the first 500 KiB of a robots.txt. We parse
# exactly that much, so a huge file costs no more than a reasonable one.
ROBOTS_PARSE_LIMIT = 500 * 1024

# The lines that belong to a group and are handed to Protego (Crawl-delay is not in RFC 9309
# but widely used); other lines in a group are ignored, Sitemap lines belong to no group.
_RULE_FIELDS = ("allow", "disallow", "crawl-delay")

_PRODUCT_NAME = re.compile(r"[a-z0-9_-]*")


def product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against: the first product name of the User-Agent,
    lower-cased ("winnow/0.1 (+mailto:you@example.org)" -> "winnow"); for a browser-style
    "Mozilla/5.0 (compatible; winnow/0.1; +https://...)", the name after "compatible;"."""
    agent = user_agent.strip().lower()
    if agent.startswith("mozilla/") and "compatible;" in agent:
        agent = agent.split("compatible;", 1)[1].lstrip()
    return _PRODUCT_NAME.match(agent).group()


@dataclass(frozen=True)
class RobotsRules:
    """What one host's robots.txt allows: a plain value (the file's text), parsed when asked.

    `text` is "" when the host has no rules; `unreachable` says why robots.txt could not be
    read, in which case nothing is allowed.
    """

    text: str = ""
    unreachable: str | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether `user_agent` may fetch `url`."""
        if self.unreachable:
            return False
        token = product_token(user_agent)
        return _matcher(self.text, token).can_fetch(url, token)

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds the host asks `user_agent` to leave between requests, if it says."""
        token = product_token(user_agent)
        return _matcher(self.text, token).crawl_delay(token)

    @property
    def sitemaps(self) -> list[str]:
        """The URLs on the file's Sitemap: lines, as written (they belong to no group)."""
        return [value for name, value in _directives(self.text) if name == "sitemap" and value]


@dataclass
class _Group:
    """One group of a robots.txt: the product tokens it names ("*" for all) and its rules."""

    agents: list[str] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)


def _directives(text: str) -> Iterator[tuple[str, str]]:
    """(field name lower-cased, value) of each `name: value` line, comments dropped."""
    for line in text.splitlines():
        name, colon, value = line.split("#", 1)[0].partition(":")
        if colon:
            yield name.strip().lower(), value.strip()


def _groups(text: str) -> list[_Group]:
    """The groups in order: user-agent lines in a row open one, the rule lines after them fill it."""
    groups: list[_Group] = []
    for name, value in _directives(text):
        if name == "user-agent":
            if not groups or groups[-1].rules:
                groups.append(_Group())
            if agent := "*" if value == "*" else product_token(value):
                groups[-1].agents.append(agent)
        elif name in _RULE_FIELDS and groups:
            groups[-1].rules.append((name, value))
    return groups


def _applying_rules(groups: list[_Group], token: str) -> list[tuple[str, str]]:
    """The rules of every group naming `token`, else of every `*` group (RFC 9309 §2.2.1)."""
    chosen = [g for g in groups if token in g.agents] or [g for g in groups if "*" in g.agents]
    return [rule for group in chosen for rule in group.rules]


# A run asks about many URLs of each host: parse each (file, token) once, for a few hundred hosts.
@lru_cache(maxsize=256)
def _matcher(text: str, token: str) -> Protego:
    """Protego holding only the rules that apply to `token`, as one group for every agent."""
    rules = _applying_rules(_groups(text), token)
    return Protego.parse("\n".join(["User-agent: *", *(f"{name}: {value}" for name, value in rules)]))


def parse_robots(body: bytes) -> RobotsRules:
    """The rules in a robots.txt body, of which only the first ROBOTS_PARSE_LIMIT bytes are read."""
    if len(body) > ROBOTS_PARSE_LIMIT:
        # Up to the last whole line: a rule cut in two would say something else.
        end = max(body.rfind(b"\n", 0, ROBOTS_PARSE_LIMIT), body.rfind(b"\r", 0, ROBOTS_PARSE_LIMIT))
        body = body[: end + 1]
    # utf-8-sig: a byte order mark would spoil the first field name.
    return RobotsRules(body.decode("utf-8-sig", errors="replace"))


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

"""Fetch pages and feeds politely: per-host rate limit, robots.txt, retries, conditional GET, limits.

`Fetcher.fetch` never raises for anything a server or a URL can do: every failure becomes a
`FetchResult` with an outcome and a reason, and every request (each try, each redirect hop)
a `FetchAttempt` in its `attempts`. This module paces, gates, retries and follows redirects;
one request is sources.http_get's, and what the last reply comes to is sources.fetch_results'.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timezone
from typing import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

import httpx

from winnow.schemas.records import FetchAttempt, FetchResult
from winnow.sources.addresses import AddressGuard
from winnow.sources.content import ROBOTS_KIND
from winnow.sources.fetch_policy import FetchPolicy, FetchRequest
from winnow.sources.fetch_results import conclusion, ending, read_file
from winnow.sources.http_get import Reply, send_once
from winnow.sources.ratelimit import HostRateLimiter, backoff_delay, origin_of, parse_retry_after
from winnow.sources.robots import RobotsCache, RobotsRules

KINDS = ("page", "feed")
MAX_IN_FLIGHT = 16
# Connections to one host at once: a polite crawler keeps this small, and beyond it a
# single host gets no faster (measured on loopback: 4 in flight beat 16).
MAX_PER_HOST = 2
# Timeouts on one host before the Fetcher asks it nothing more: a host that keeps timing out is
# down or overloaded, and each further try would hold a connection slot for a whole time limit.
HOST_TIMEOUT_LIMIT = 3


class Fetcher:
    """Fetches URLs for one run; use as `async with Fetcher(policy) as fetcher:`.

    robots.txt answers, per-host pacing, connection gates and timeout counts live as long as the
    Fetcher, so a run that shares one (sources.crawl) asks each host for robots.txt once, never
    exceeds its rate or its connections however the fetches are spread, and stops asking a host
    that keeps timing out.
    """

    def __init__(self, policy: FetchPolicy, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._pacer = HostRateLimiter()
        self._robots = RobotsCache(self._download_robots)
        self._addresses = AddressGuard()
        self._in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._host_gates: dict[str, asyncio.Semaphore] = {}
        self._timeouts: dict[str, int] = {}  # host -> timeouts this run

    async def __aenter__(self) -> Fetcher:
        # Timeouts come with each request, from the policy it is fetched under.
        self._client = httpx.AsyncClient(transport=self._transport, follow_redirects=False)
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        source: str,
        *,
        kind: str = "page",
        etag: str | None = None,
        last_modified: str | None = None,
        policy: FetchPolicy | None = None,
    ) -> FetchResult:
        """Fetch one http(s) or file URL and say what came of it (see `FETCH_OUTCOMES`)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if self._client is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher(policy) as fetcher:`")
        request = FetchRequest(url, source, kind, etag, last_modified)
        if _scheme(url) == "file":
            return await read_file(request, policy or self.policy)
        return await self._fetch_web(request, policy or self.policy)

    async def fetch_many(
        self, requests: list[FetchRequest], policy_for: Callable[[str], FetchPolicy] | None = None
    ) -> list[FetchResult]:
        """Fetch many URLs concurrently (see `fetch_queued`); results come back in the order of
        `requests`. `policy_for(source)` picks each one's policy."""
        return list(
            await asyncio.gather(
                *(self.fetch_queued(r, policy_for(r.source) if policy_for else None) for r in requests)
            )
        )

    async def fetch_queued(
        self,
        request: FetchRequest,
        policy: FetchPolicy | None = None,
        *,
        not_after: float | None = None,
        hand_over: Callable[[FetchResult], Awaitable[None]] | None = None,
    ) -> FetchResult:
        """Fetch `request` once its turn comes: at most MAX_IN_FLIGHT requests at once and
        MAX_PER_HOST per host (each host at its own rate). It is `deferred` instead, unasked, when
        by then its host has timed out HOST_TIMEOUT_LIMIT times, or the loop time `not_after` has
        passed. The turn lasts until `hand_over(result)` returns, so a consumer that is behind
        holds the fetching back."""
        host = _host_key(request.url)
        async with self._host_gates.setdefault(host, asyncio.Semaphore(MAX_PER_HOST)), self._in_flight:
            if self._timeouts.get(host, 0) >= HOST_TIMEOUT_LIMIT:
                result = ending(
                    request,
                    request.url,
                    [],
                    "deferred",
                    f"host backed off for this run after {self._timeouts[host]} timeouts",
                )
            elif not_after is not None and asyncio.get_running_loop().time() > not_after:
                result = ending(request, request.url, [], "deferred", "the source's fetch deadline passed")
            else:
                result = await self.fetch(
                    request.url,
                    request.source,
                    kind=request.kind,
                    etag=request.etag,
                    last_modified=request.last_modified,
                    policy=policy,
                )
            if hand_over is not None:
                await hand_over(result)
        return result

    async def _fetch_web(self, request: FetchRequest, policy: FetchPolicy, *, check_robots: bool = True) -> FetchResult:
        """Follow redirects ourselves so that every hop is checked (scheme and addresses, loops, robots.txt)."""
        attempts: list[FetchAttempt] = []
        url, seen = request.url, {request.url}
        for _ in range(policy.max_redirects + 1):
            if refusal := await self._addresses.refusal(url, policy.allowed_networks):
                # No request goes out, but fetch_log says why, as for one that did.
                attempts.append(
                    FetchAttempt(url, len(attempts) + 1, None, refusal[1], 0, 0.0, datetime.now(timezone.utc))
                )
                return ending(request, url, attempts, *refusal)
            if problem := _web_url_problem(url):
                return ending(request, url, attempts, "failed", problem)
            if check_robots and (refusal := await self._robots_refusal(url, policy)):
                return ending(request, url, attempts, *refusal)
            reply = await self._send_with_retries(url, request, policy, attempts)
            location = reply.headers.get("location") if reply.status in (301, 302, 303, 307, 308) else None
            if not location:
                return conclusion(request, url, reply, attempts)
            try:
                url = urljoin(url, location.strip())
            except ValueError:
                return ending(request, url, attempts, "failed", f"bad redirect location {location!r}")
            if url in seen:
                return ending(request, url, attempts, "failed", f"redirect loop at {url}")
            # Feeds often live elsewhere (a feed service); a page redirected off the site is not its article.
            if request.kind == "page" and policy.on_site and not policy.on_site(url):
                return ending(request, url, attempts, "skipped", f"redirected off the source's domains to {url}")
            seen.add(url)
        return ending(request, url, attempts, "failed", f"more than {policy.max_redirects} redirects")

    async def robots_rules(self, url: str, policy: FetchPolicy) -> RobotsRules:
        """The robots.txt rules of `url`'s origin, fetched once per run and cached."""
        return await self._robots.rules_for(url, policy)

    async def _robots_refusal(self, url: str, policy: FetchPolicy) -> tuple[str, str] | None:
        """(outcome, reason) when robots.txt keeps us from `url`; also applies its Crawl-delay."""
        rules = await self._robots.rules_for(url, policy)
        if rules.unreachable:
            # RFC 9309: an unreachable robots.txt disallows everything, but only for now, so
            # "failed" (try again next run) rather than "skipped".
            return "failed", f"robots.txt unreachable ({rules.unreachable})"
        if not rules.allows(url, policy.user_agent):
            return "skipped", "robots.txt disallows"
        if delay := rules.crawl_delay(policy.user_agent):
            self._pacer.slow_down(origin_of(url), delay)
        return None

    async def _download_robots(self, robots_url: str, policy: FetchPolicy) -> FetchResult:
        """robots.txt through the same paced, retried, size-limited path as pages (its
        attempts are not returned to the caller: they belong to no page)."""
        return await self._fetch_web(FetchRequest(robots_url, "robots", ROBOTS_KIND), policy, check_robots=False)

    async def _send_with_retries(
        self, url: str, request: FetchRequest, policy: FetchPolicy, attempts: list[FetchAttempt]
    ) -> Reply:
        """Request `url` until an answer is not worth retrying or the retries run out; a reply
        that gave up carries the reason in `error`."""
        for tries in range(1, policy.retries + 2):
            await self._pacer.wait(origin_of(url), policy.rate_limit)
            reply = await send_once(self._client, url, request, policy)
            attempts.append(reply.attempt(url, len(attempts) + 1))
            if reply.timed_out:
                host = _host_key(url)
                self._timeouts[host] = self._timeouts.get(host, 0) + 1
            if not reply.retryable:
                return reply
            retry_after = parse_retry_after(reply.headers.get("retry-after"))
            if retry_after is not None and retry_after > policy.max_retry_after_s:
                return replace(
                    reply,
                    error=f"HTTP {reply.status} with Retry-After {retry_after:g} s "
                    f"(more than {policy.max_retry_after_s:g} s)",
                )
            if tries <= policy.retries:
                if retry_after is None:
                    retry_after = backoff_delay(tries, policy.backoff_s, policy.max_backoff_s)
                await asyncio.sleep(retry_after)
        if reply.error:
            return replace(reply, error=reply.error if tries == 1 else f"{reply.error} ({tries} attempts)")
        return replace(reply, error=f"HTTP {reply.status}" + (f" after {tries} attempts" if tries > 1 else ""))


def _host_key(url: str) -> str:
    """The host part of a URL as written, the unit of connection gates and timeout counts."""
    return urlsplit(url).netloc.lower()


def _scheme(url: str) -> str:
    return url.partition(":")[0].lower() if ":" in url else ""


def _web_url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched over HTTP, or None."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is no number
    except ValueError:
        return f"bad URL {url!r}"
    if not parts.scheme:  # other schemes than http(s) are refused by sources.addresses
        return f"not an absolute URL: {url!r}"
    return None if parts.hostname else f"no host in URL {url!r}"

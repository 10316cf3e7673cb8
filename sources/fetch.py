"""Fetch pages and feeds politely: per-host rate limit, robots.txt, retries, conditional GET, limits.

`Fetcher.fetch` never raises for anything a server or a URL can do: every failure becomes a
`FetchResult` with an outcome and a reason, and every request (each try, each redirect hop)
a `FetchAttempt` in its `attempts`.
"""

from __future__ import annotations

import asyncio
import socket
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Awaitable, Callable
from urllib.parse import urljoin, urlsplit

import httpx

from winnow.schemas.records import FetchAttempt, FetchResult
from winnow.sources.addresses import AddressGuard, Network, parse_networks
from winnow.sources.content import ROBOTS_KIND, BodyTooLarge, accept_body, media_type_of, read_saved_page, type_refusal
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
GONE_STATUSES = (404, 410)
# The content codings we ask for and decode ourselves (see _send_once); 32 + 15: a zlib or gzip header.
INFLATE_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": 32 + zlib.MAX_WBITS}


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently to fetch one source's URLs."""

    user_agent: str
    rate_limit: float  # requests per second per host
    timeout_s: float = 20  # connect/read timeout
    total_timeout_s: float = 60  # whole-request limit per attempt (a trickling body does not hang us)
    # A body slower than min_bytes_per_s over any slow_window_s is given up (as curl's
    # --speed-limit/--speed-time): a page trickling in at 8 bytes/s would take hours.
    min_bytes_per_s: float = 1024
    slow_window_s: float = 10
    max_bytes: int = 10_000_000  # counted after decompression
    max_redirects: int = 5
    retries: int = 3  # extra attempts after the first
    backoff_s: float = 0.5  # exponential: backoff_s * 2**(attempt-1), jittered, capped by max_backoff_s
    max_backoff_s: float = 30
    max_retry_after_s: float = 60  # a longer Retry-After gives up for this run
    # Where a page may redirect to (the source's domains); None: anywhere.
    on_site: Callable[[str], bool] | None = None
    allowed_networks: tuple[Network, ...] = ()  # private/loopback networks requests may go to (sources.addresses)

    def __post_init__(self) -> None:
        if self.rate_limit <= 0:
            raise ValueError(f"rate_limit must be positive (requests per second), not {self.rate_limit}")

    @classmethod
    def for_source(cls, source) -> FetchPolicy:
        """The policy for a source config: anything with `user_agent`, `rate_limit` and `allowed_networks`."""
        return cls(
            user_agent=source.user_agent,
            rate_limit=source.rate_limit,
            allowed_networks=parse_networks(source.allowed_networks),
            on_site=getattr(source, "allows", None),
        )


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators from its last fetch for a conditional GET."""

    url: str
    source: str
    kind: str = "page"  # "page" (HTML) or "feed" (RSS, Atom, sitemap; maybe gzipped)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class _Reply:
    """What one request brought back, or why nothing usable came."""

    fetched_at: datetime
    elapsed_ms: float
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes | None = None
    received: int = 0  # body bytes read, also when reading stopped early
    error: str | None = None
    transient: bool = False  # network trouble: worth another try
    skipped: bool = False  # a good answer we do not want (content type)
    timed_out: bool = False  # a time or speed limit: tried again next run, not now

    @property
    def retryable(self) -> bool:
        # A timeout already cost a whole limit; trying again at once would hold a connection
        # slot (and the run) as long again. The frontier retries it next run.
        if self.timed_out:
            return False
        return self.transient or self.status == 429 or (self.status or 0) >= 500

    def attempt(self, url: str, number: int) -> FetchAttempt:
        return FetchAttempt(url, number, self.status, self.error, self.received, self.elapsed_ms, self.fetched_at)


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
            return await _read_file(request, policy or self.policy)
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
                result = _ending(
                    request,
                    request.url,
                    [],
                    "deferred",
                    f"host backed off for this run after {self._timeouts[host]} timeouts",
                )
            elif not_after is not None and asyncio.get_running_loop().time() > not_after:
                result = _ending(request, request.url, [], "deferred", "the source's fetch deadline passed")
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
                return _ending(request, url, attempts, *refusal)
            if problem := _web_url_problem(url):
                return _ending(request, url, attempts, "failed", problem)
            if check_robots and (refusal := await self._robots_refusal(url, policy)):
                return _ending(request, url, attempts, *refusal)
            reply = await self._send_with_retries(url, request, policy, attempts)
            location = reply.headers.get("location") if reply.status in (301, 302, 303, 307, 308) else None
            if not location:
                return _conclusion(request, url, reply, attempts)
            try:
                url = urljoin(url, location.strip())
            except ValueError:
                return _ending(request, url, attempts, "failed", f"bad redirect location {location!r}")
            if url in seen:
                return _ending(request, url, attempts, "failed", f"redirect loop at {url}")
            # Feeds often live elsewhere (a feed service); a page redirected off the site is not its article.
            if request.kind == "page" and policy.on_site and not policy.on_site(url):
                return _ending(request, url, attempts, "skipped", f"redirected off the source's domains to {url}")
            seen.add(url)
        return _ending(request, url, attempts, "failed", f"more than {policy.max_redirects} redirects")

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
    ) -> _Reply:
        """Request `url` until an answer is not worth retrying or the retries run out; a reply
        that gave up carries the reason in `error`."""
        for tries in range(1, policy.retries + 2):
            await self._pacer.wait(origin_of(url), policy.rate_limit)
            reply = await self._send_once(url, request, policy)
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

    async def _send_once(self, url: str, request: FetchRequest, policy: FetchPolicy) -> _Reply:
        """One GET, its body streamed and checked, within the policy's time and size limits."""
        fetched_at, started = datetime.now(timezone.utc), time.perf_counter()
        status, headers, received = None, httpx.Headers(), 0

        def reply(**outcome) -> _Reply:
            elapsed_ms = (time.perf_counter() - started) * 1000
            return _Reply(fetched_at, elapsed_ms, status, headers, received=received, **outcome)

        try:
            async with asyncio.timeout(policy.total_timeout_s):
                async with self._client.stream(
                    "GET", url, headers=_request_headers(request, policy), timeout=policy.timeout_s
                ) as response:
                    status, headers = response.status_code, response.headers
                    if not response.is_success:
                        return reply()
                    media_type = media_type_of(headers.get("content-type"))
                    if refusal := type_refusal(request.kind, media_type):
                        return reply(error=refusal, skipped=True)
                    inflater = _inflater(headers.get("content-encoding"))
                    chunks, speed = [], _SpeedCheck(policy)
                    # Decoded here, not by httpx, so that no more than max_bytes + 1 are ever
                    # inflated: httpx inflates each network chunk whole (a bomb: ~1000x its size).
                    async for raw in response.aiter_raw():
                        speed.arrived(len(raw))
                        chunk = inflater.decompress(raw, policy.max_bytes - received + 1) if inflater else raw
                        received += len(chunk)
                        if received > policy.max_bytes:
                            raise BodyTooLarge
                        chunks.append(chunk)
                    if inflater and not inflater.eof:
                        raise httpx.DecodingError("truncated")
            body, error, skipped = accept_body(request.kind, media_type, b"".join(chunks))
            return reply(body=body, error=error, skipped=skipped)
        except BodyTooLarge:
            return reply(error=f"body exceeds {policy.max_bytes} bytes")
        except TooSlow as slow:
            return reply(error=str(slow), timed_out=True)
        except TimeoutError:
            return reply(error=f"timeout after {policy.total_timeout_s:g} s", timed_out=True)
        except httpx.TimeoutException as exc:
            return reply(error=_describe_network_error(exc, policy), timed_out=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError, UnicodeError) as exc:
            return reply(error=f"bad request: {exc}")
        except (httpx.DecodingError, zlib.error):
            return reply(error=f"cannot decode Content-Encoding {headers.get('content-encoding')}")
        except httpx.TransportError as exc:
            return reply(error=_describe_network_error(exc, policy), transient=True)


class TooSlow(Exception):
    """A body arriving slower than the policy's min_bytes_per_s."""


class _SpeedCheck:
    """Raises TooSlow when fewer than min_bytes_per_s arrived, on average, over slow_window_s."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.window_start = time.perf_counter()
        self.in_window = 0

    def arrived(self, size: int) -> None:
        self.in_window += size
        elapsed = time.perf_counter() - self.window_start
        if elapsed < self.policy.slow_window_s:
            return
        if self.in_window < self.policy.min_bytes_per_s * elapsed:
            raise TooSlow(
                f"too slow: {self.in_window} bytes in {elapsed:.1f} s (under {self.policy.min_bytes_per_s:g} bytes/s)"
            )
        self.window_start, self.in_window = time.perf_counter(), 0


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


def _request_headers(request: FetchRequest, policy: FetchPolicy) -> dict[str, str]:
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": ", ".join(INFLATE_WBITS)}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


def _inflater(content_encoding: str | None):
    """A decompressor for the body's Content-Encoding, or None for an unencoded body; raises
    httpx.DecodingError for a coding we did not ask for."""
    coding = (content_encoding or "identity").strip().lower()
    if coding == "identity":
        return None
    if coding not in INFLATE_WBITS:
        raise httpx.DecodingError(coding)
    return zlib.decompressobj(wbits=INFLATE_WBITS[coding])


def _describe_network_error(exc: httpx.TransportError, policy: FetchPolicy) -> str:
    """A short reason for the fetch log; the exception text is often long or empty."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timeout after {policy.timeout_s:g} s"
    if isinstance(exc, httpx.TimeoutException):
        return f"no data for {policy.timeout_s:g} s"
    cause = _root_cause(exc)
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"cannot resolve host ({cause.strerror})"
    text = str(cause) or str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception: httpx/anyio wrap the OSError that says what went wrong."""
    while (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    return exc


def _ending(
    request: FetchRequest,
    final_url: str,
    attempts: list[FetchAttempt],
    outcome: str,
    error: str | None,
    status: int | None = None,
) -> FetchResult:
    """A result without a new body; the caller's validators are kept for the next try."""
    return FetchResult(
        request.url,
        request.source,
        final_url,
        outcome,
        status,
        None,
        etag=request.etag,
        last_modified=request.last_modified,
        error=error,
        attempts=attempts,
    )


def _conclusion(request: FetchRequest, url: str, reply: _Reply, attempts: list[FetchAttempt]) -> FetchResult:
    """The result of the last hop's reply."""
    status = reply.status
    if status == 304:
        return FetchResult(
            request.url,
            request.source,
            url,
            "not_modified",
            status,
            None,
            content_type=reply.headers.get("content-type"),
            etag=reply.headers.get("etag") or request.etag,
            last_modified=reply.headers.get("last-modified") or request.last_modified,
            attempts=attempts,
        )
    if status in GONE_STATUSES:
        return _ending(request, url, attempts, "gone", f"HTTP {status}", status)
    if status is None or reply.retryable or not 200 <= status < 300:
        return _ending(request, url, attempts, "failed", reply.error or f"HTTP {status}", status)
    if reply.skipped or reply.error:
        return _ending(request, url, attempts, "skipped" if reply.skipped else "failed", reply.error, status)
    return FetchResult(
        request.url,
        request.source,
        url,
        "fetched",
        status,
        reply.body,
        content_type=reply.headers.get("content-type"),
        etag=reply.headers.get("etag"),
        last_modified=reply.headers.get("last-modified"),
        attempts=attempts,
    )


async def _read_file(request: FetchRequest, policy: FetchPolicy) -> FetchResult:
    """A file:// URL read as if it were fetched: no robots.txt, no pacing."""
    page = await read_saved_page(request.url, request.kind, policy.max_bytes)
    attempt = page.attempt
    if page.body is None:
        return _ending(
            request, request.url, [attempt], "skipped" if page.skipped else "failed", attempt.error, attempt.status
        )
    return FetchResult(
        request.url,
        request.source,
        request.url,
        "fetched",
        attempt.status,
        page.body,
        content_type=page.content_type,
        attempts=[attempt],
    )

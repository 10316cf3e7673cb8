"""One HTTP GET within a fetch policy's limits: its body streamed, decoded and checked as it
arrives, and every way it can go wrong turned into a `Reply` that says why."""

from __future__ import annotations

import asyncio
import socket
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx

from winnow.schemas.records import FetchAttempt
from winnow.sources.content import BodyTooLarge, accept_body, media_type_of, type_refusal
from winnow.sources.fetch_policy import FetchPolicy, FetchRequest

# The content codings we ask for and decode ourselves (see send_once); 32 + 15: a zlib or gzip header.
INFLATE_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": 32 + zlib.MAX_WBITS}


@dataclass(frozen=True)
class Reply:
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


async def send_once(client: httpx.AsyncClient, url: str, request: FetchRequest, policy: FetchPolicy) -> Reply:
    """One GET, its body streamed and checked, within the policy's time and size limits."""
    fetched_at, started = datetime.now(timezone.utc), time.perf_counter()
    status, headers, received = None, httpx.Headers(), 0

    def reply(**outcome) -> Reply:
        elapsed_ms = (time.perf_counter() - started) * 1000
        return Reply(fetched_at, elapsed_ms, status, headers, received=received, **outcome)

    try:
        async with asyncio.timeout(policy.total_timeout_s):
            async with client.stream(
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

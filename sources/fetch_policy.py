"""What to fetch and how politely: a source's fetch policy and one URL's request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from winnow.sources.addresses import Network, parse_networks


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

"""Fetching in tests: a policy fast enough for them, a one-off fetch, and the small limits under
which the fault tests run whole ingests."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from tests.support.localserver import LOOPBACK
from winnow.sources.addresses import parse_networks
from winnow.sources.fetch import Fetcher, FetchPolicy

PAGE = "<html><head><title>Ferry</title></head><body><p>Timetable</p></body></html>"

# Limits small enough that a timeout, an oversized body or a retry costs a test well under a
# second; the sources config does not expose them, so the tests set them on every source's policy.
SMALL_LIMITS = dict(
    timeout_s=0.5,
    total_timeout_s=1.0,
    max_bytes=200_000,
    retries=1,
    backoff_s=0.01,
    max_backoff_s=0.02,
    max_retry_after_s=2,
)


def policy(**overrides) -> FetchPolicy:
    """A policy fast enough for tests: high rate, tiny backoff, loopback allowed."""
    settings = dict(
        user_agent="winnow-test/1.0",
        rate_limit=1000,
        backoff_s=0.01,
        max_backoff_s=0.05,
        allowed_networks=parse_networks(LOOPBACK),
    )
    return FetchPolicy(**{**settings, **overrides})


def fetch(url: str, fetch_policy: FetchPolicy | None = None, **kwargs):
    """Fetch one URL with a fresh Fetcher."""

    async def go():
        async with Fetcher(fetch_policy or policy()) as fetcher:
            return await fetcher.fetch(url, "test", **kwargs)

    return asyncio.run(go())


def use_small_limits(patch: pytest.MonkeyPatch) -> None:
    """Every source fetches under SMALL_LIMITS (its user agent, rate and networks kept)."""
    for_source = FetchPolicy.for_source.__func__
    patch.setattr(
        FetchPolicy, "for_source", classmethod(lambda cls, source: replace(for_source(cls, source), **SMALL_LIMITS))
    )

"""One source's settings: the site to ingest, its feeds and how politely; `defaults:` gives every
source what it does not set itself."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pydantic import AfterValidator, Field, model_validator

from winnow.schemas.config import ChaffRules, Strict
from winnow.sources.addresses import parse_networks
from winnow.sources.feeds import ARCHIVE_FEEDS, CCNewsFeed, Feed, PagesFeed, RssFeed, SitemapFeed, WarcFeed
from winnow.sources.urls import WEB_SCHEMES, host_of

DEFAULT_USER_AGENT = "winnow/0.1 (+https://example.org/contact)"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
LANGUAGE_RE = re.compile(r"[a-z]{2}")
DOMAIN_RE = re.compile(r"[^\s/:@?#]+")
CRON_RE = re.compile(r"\S+(\s+\S+){4}")


def _slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise ValueError(
            f"invalid name {value!r}: must be lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )
    return value


def _language(value: str) -> str:
    if not LANGUAGE_RE.fullmatch(value):
        raise ValueError(f"invalid language {value!r}: must be a 2-letter lower-case ISO 639-1 code such as 'en'")
    return value


def _domain(value: str) -> str:
    if not DOMAIN_RE.fullmatch(value) or value.startswith("."):
        raise ValueError(f"invalid domain {value!r}: give a host name such as 'herald.example'")
    return value.lower()


def _cron(value: str) -> str:
    # The shape only: Prefect's own check (flows.deployments.check_crons) runs where schedules are
    # made, since importing Prefect here would cost every command that reads the config a second.
    if not CRON_RE.fullmatch(value.strip()):
        raise ValueError(
            f"invalid cron {value!r}: expected 5 fields (minute hour day-of-month month"
            " day-of-week), such as '17 * * * *'"
        )
    return " ".join(value.split())


def _network(value: str) -> str:
    try:
        (network,) = parse_networks([value])
    except ValueError as exc:
        raise ValueError(f"invalid network {value!r}: give a CIDR such as '127.0.0.0/8' or '::1/128'") from exc
    return str(network)


Language = Annotated[str, AfterValidator(_language)]
Slug = Annotated[str, AfterValidator(_slug)]
Cron = Annotated[str, AfterValidator(_cron)]
CIDR = Annotated[str, AfterValidator(_network)]


class Defaults(Strict):
    """Settings every source gets unless it sets its own."""

    user_agent: str = Field(DEFAULT_USER_AGENT, min_length=1)
    rate_limit: float = Field(1.0, gt=0, allow_inf_nan=False)  # requests per second per host
    max_pages: int = Field(200, gt=0)  # pages fetched per source per run
    # Seconds a run may spend fetching this source's pages; what is not asked by then is due next
    # run (a scheduled run then ends before the next one starts). None: no deadline.
    fetch_deadline: float | None = Field(None, gt=0, allow_inf_nan=False)
    language: Language | None = None
    # Languages a page of this source may be in; empty: any (`language` does not limit them).
    languages: list[Language] = Field(default_factory=list)
    chaff: ChaffRules = ChaffRules()  # merged key by key with the defaults'
    cron: Cron | None = None  # when to ingest, in UTC; a source without one is not scheduled
    # Private, loopback or link-local networks this source's URLs may lead to (sources.addresses).
    allowed_networks: list[CIDR] = Field(default_factory=list)


class SourceConfig(Defaults):
    """One site to ingest, with the defaults merged in."""

    name: Slug
    feeds: list[Feed] = Field(min_length=1)
    group: Slug | None = None  # the sources of a group are ingested together, on their one cron
    allowed_domains: list[Annotated[str, AfterValidator(_domain)]] = Field(default_factory=list)
    enabled: bool = True

    @model_validator(mode="after")
    def _default_domains(self) -> SourceConfig:
        if "allowed_domains" not in self.model_fields_set:
            if self.archive_feeds():
                # An archive's host is not the site: the pages to take from it must be named.
                raise ValueError(
                    "a source with a warc or ccnews feed must list allowed_domains:"
                    " the sites whose pages to take from the archive"
                )
            # "www." is dropped so a feed on www.herald.example also admits herald.example.
            hosts = (host_of(feed.url) for feed in self.feeds if isinstance(feed, (RssFeed, SitemapFeed)))
            # Set in place, the one time the frozen model may change: while it is being validated.
            self.__dict__["allowed_domains"] = sorted({h.removeprefix("www.") for h in hosts if h})
        return self

    def archive_feeds(self) -> list[WarcFeed | CCNewsFeed]:
        """The source's web archives, read apart from its feeds (no discovery, no fetching)."""
        return [feed for feed in self.feeds if isinstance(feed, ARCHIVE_FEEDS)]

    def allows(self, url: str) -> bool:
        """Whether `url` belongs to this source: on an allowed domain or one of its
        subdomains, or (file://) inside one of its pages folders."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path)).resolve()
            return any(path.is_relative_to(feed.path) for feed in self.feeds if isinstance(feed, PagesFeed))
        host = host_of(url)
        if parts.scheme not in WEB_SCHEMES or host is None:
            return False
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

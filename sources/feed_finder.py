"""Find a site's feeds, and add them to the sources config as a new source.

`find_feeds` looks where sites announce their feeds: the <link rel="alternate"> tags in a
page's head, a short list of common paths on the site's origin, and the Sitemap: lines of its
robots.txt. Every candidate is fetched through the Fetcher (robots.txt, rate limit, size
limits) and kept only if the discovery parsers read it, so what is found is what an ingest
would read. sources/config_edit.py adds what was found to the config file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from winnow.schemas.records import FetchResult
from winnow.sources.fetch import Fetcher, FetchRequest
from winnow.sources.parsers import DiscoveryError, feed_links, is_news_sitemap, parse_feed, parse_sitemap
from winnow.sources.robots import RobotsRules
from winnow.sources.source_config import SourceConfig
from winnow.sources.urls import canonical_url

# Where sites commonly serve a feed without announcing it (WordPress /feed/, Hugo /index.xml,
# Jekyll /feed.xml, ...) and their sitemaps (the protocol's /sitemap.xml, Yoast's
# /sitemap_index.xml, the usual news sitemap names). Kept short: each one is a request.
COMMON_FEED_PATHS = ("/feed", "/feed/", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")
# Big sites list dozens of sitemaps in robots.txt, each up to 50 MB; the first few say enough.
MAX_ROBOTS_SITEMAPS = 10

GIVEN_URL, HEAD_LINK, COMMON_PATH, ROBOTS_TXT = "given URL", "head link", "common path", "robots.txt"
SEARCH_LABEL = "feed search"  # the `source` of the search's fetches, which belong to no source yet


class FeedSearchError(Exception):
    """The page itself cannot be read: unreachable, or robots.txt keeps us out."""


@dataclass(frozen=True)
class FoundFeed:
    """A feed or sitemap that was fetched and read."""

    kind: str  # "rss" (RSS, Atom or JSON Feed) or "sitemap" (XML or text): the config's feed kinds
    url: str  # as served, after redirects
    via: str  # GIVEN_URL, HEAD_LINK, COMMON_PATH or ROBOTS_TXT
    pages: int  # page entries; 0 for a sitemap index
    child_sitemaps: int = 0  # the sitemaps a sitemap index lists
    newest: datetime | None = None  # the latest entry date, when entries have dates
    news: bool = False  # a Google News sitemap: recent articles only
    title: str | None = None  # the head link's title ("Comments feed" tells what it is)


@dataclass(frozen=True)
class DroppedCandidate:
    """A URL that was tried and is no usable feed, and why."""

    url: str
    via: str
    reason: str


@dataclass
class FeedSearch:
    """What `find_feeds` found for one URL."""

    page_url: str  # the page (or the feed given) after redirects: the site the source is about
    found: list[FoundFeed]
    dropped: list[DroppedCandidate]

    @property
    def tried(self) -> list[str]:
        """Every candidate URL tried: the feeds found, then the others."""
        return [feed.url for feed in self.found] + [candidate.url for candidate in self.dropped]


@dataclass(frozen=True)
class _Candidate:
    url: str
    via: str
    title: str | None = None


async def find_feeds(url: str, fetcher: Fetcher, *, sitemaps: bool = True) -> FeedSearch:
    """The feeds (and, with `sitemaps`, the sitemaps) of the site of `url`: a page of the site,
    or a feed itself. Raises FeedSearchError when `url` cannot be fetched at all."""
    policy = fetcher.policy
    page = await fetcher.fetch(url, SEARCH_LABEL, kind="page")
    if page.outcome not in ("fetched", "skipped"):
        raise FeedSearchError(f"cannot fetch {url}: {page.error or page.outcome}")
    # The Fetcher's own cached rules: the fetch above has just read this robots.txt.
    rules = await fetcher.robots_rules(page.final_url, policy)
    if not rules.allows(page.final_url, policy.user_agent):
        raise FeedSearchError(
            f"robots.txt of {_origin(page.final_url)} disallows {page.final_url} for user agent {policy.user_agent!r}"
        )
    if page.outcome == "fetched":
        candidates = [_Candidate(link.url, HEAD_LINK, link.title) for link in feed_links(page.body, page.final_url)]
    else:  # no HTML page (a content type refusal): maybe the feed itself
        candidates = [_Candidate(page.final_url, GIVEN_URL)]
    origin = _origin(page.final_url)
    candidates += [_Candidate(origin + path, COMMON_PATH) for path in COMMON_FEED_PATHS]
    if sitemaps:
        candidates += [_Candidate(origin + path, COMMON_PATH) for path in COMMON_SITEMAP_PATHS]
        listed = robots_sitemaps(rules, origin + "/robots.txt")[:MAX_ROBOTS_SITEMAPS]
        candidates += [_Candidate(sitemap, ROBOTS_TXT) for sitemap in listed]

    search = FeedSearch(page.final_url, [], [])
    unique: dict[str, _Candidate] = {}
    for candidate in candidates:
        key = canonical_url(candidate.url)
        if key is None:
            search.dropped.append(DroppedCandidate(candidate.url, candidate.via, "not an http(s) URL"))
        else:
            unique.setdefault(key, candidate)
    results = await fetcher.fetch_many([FetchRequest(c.url, SEARCH_LABEL, "feed") for c in unique.values()])
    seen: dict[str, str] = {}  # canonical final URL, then body hash -> the feed found there
    for candidate, result in zip(unique.values(), results):
        outcome = _read_candidate(candidate, result)
        if isinstance(outcome, str):
            search.dropped.append(DroppedCandidate(candidate.url, candidate.via, outcome))
            continue
        url_key, body_key = canonical_url(outcome.url) or outcome.url, hashlib.sha256(result.body).hexdigest()
        if url_key in seen or body_key in seen:
            search.dropped.append(
                DroppedCandidate(
                    candidate.url,
                    candidate.via,
                    _repeat_reason(canonical_url(candidate.url), url_key, seen.get(url_key), seen.get(body_key)),
                )
            )
            continue
        seen.update({url_key: outcome.url, body_key: outcome.url})
        search.found.append(outcome)
    return search


def robots_sitemaps(rules: RobotsRules, robots_url: str) -> list[str]:
    """The sitemaps a robots.txt lists on its Sitemap: lines, resolved against its URL."""
    return [_resolved(url, robots_url) for url in rules.sitemaps]


def preferred_feeds(found: list[FoundFeed]) -> list[FoundFeed]:
    """The feeds to add unless told otherwise: the feed the user gave, if it is one; else the
    RSS/Atom feeds and news sitemaps, which list what is new and are cheap to read every run;
    the other sitemaps (a site's whole archive) only when there is nothing else."""
    given = [feed for feed in found if feed.via == GIVEN_URL]
    return (
        given
        or [feed for feed in found if feed.kind == "rss" or feed.news]
        or [feed for feed in found if feed.kind == "sitemap"]
    )


class FeedsNotFound(Exception):
    """Feeds asked for by URL that the search did not find."""


@dataclass(frozen=True)
class FeedChoice:
    """Which of the feeds found a new source reads."""

    chosen: list[FoundFeed]  # the feeds asked for, else all found or the preferred ones
    to_add: list[FoundFeed]  # the chosen feeds no configured source reads yet
    read_by: dict[str, str]  # the feeds the configured sources read (by canonical URL): which source

    def reader(self, feed: FoundFeed) -> str | None:
        """The configured source that already reads `feed`, if one does."""
        return self.read_by.get(_feed_key(feed.url))


def choose_feeds(
    found: list[FoundFeed], configured: list[SourceConfig], asked: list[str] | None = None, take_all: bool = False
) -> FeedChoice:
    """The feeds `asked` for (FeedsNotFound if one was not found), else all found or the preferred
    ones; a feed a configured source already reads is left out, so no feed is read twice."""
    read_by = {
        _feed_key(feed.url): source.name
        for source in configured
        for feed in source.feeds
        if feed.kind in ("rss", "sitemap")
    }
    if asked:
        by_key = {_feed_key(feed.url): feed for feed in found}
        missing = [url for url in asked if _feed_key(url) not in by_key]
        if missing:
            names = ", ".join(feed.url for feed in found) or "none"
            raise FeedsNotFound(f"{', '.join(missing)}: not among the feeds found ({names})")
        chosen = [by_key[_feed_key(url)] for url in dict.fromkeys(asked)]
    else:
        chosen = found if take_all else preferred_feeds(found)
    return FeedChoice(chosen, [feed for feed in chosen if _feed_key(feed.url) not in read_by], read_by)


def _feed_key(url: str) -> str:
    return canonical_url(url) or url


def default_name(url: str) -> str:
    """A source name made from the URL's host: news.example.com -> news-example-com."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-")


def _repeat_reason(candidate_key: str | None, url_key: str, same_url: str | None, same_body: str | None) -> str:
    """Why a candidate that led to a feed already found is dropped."""
    if same_url is None:
        return f"same content as {same_body}"
    # Candidates are fetched once each, so a candidate whose own URL was found got there by a redirect.
    return "found already, by a redirect" if candidate_key == url_key else f"redirects to {same_url}"


def _read_candidate(candidate: _Candidate, result: FetchResult) -> FoundFeed | str:
    """The feed a fetched candidate is, or why it is none."""
    if result.outcome != "fetched" or result.body is None:
        return result.error or f"HTTP {result.status}"
    url, body = result.final_url, result.body
    # The sitemap parser first: it accepts only a <urlset>, a <sitemapindex> or lines of URLs,
    # where feedparser reads much that is no feed.
    try:
        sitemap = parse_sitemap(body, url)
    except DiscoveryError as not_sitemap:
        try:
            entries = parse_feed(body, url)
        except DiscoveryError as not_feed:
            return f"{not_feed}; {not_sitemap}"
        return FoundFeed(
            "rss", url, candidate.via, len(entries), newest=_newest(d for _, d in entries), title=candidate.title
        )
    return FoundFeed(
        "sitemap",
        url,
        candidate.via,
        len(sitemap.urls),
        len(sitemap.children),
        _newest(d for _, d in sitemap.urls),
        is_news_sitemap(body),
        candidate.title,
    )


def _resolved(url: str, base: str) -> str:
    try:
        return urljoin(base, url)
    except ValueError:  # kept as written: the search drops it as no http(s) URL, and says so
        return url


def _newest(dates) -> datetime | None:
    return max((date for date in dates if date is not None), default=None)


def _origin(url: str) -> str:
    """scheme://host[:port] of `url`, as written (the common paths go after it)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

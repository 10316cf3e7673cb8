"""Discovery: from a source's feeds, sitemaps and folders to candidate page URLs.

`discover_source` fetches feeds and sitemaps through the run's shared Fetcher, reads them
with `sources.parsers`, then canonicalises, de-duplicates and keeps only URLs on the
source's domains.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from schemas.records import DiscoveredURL, FetchResult
from sources.config import PagesFeed, RssFeed, SitemapFeed, SourceConfig
from sources.fetch import Fetcher, FetchPolicy
from sources.parsers import MAX_SITEMAP_ENTRIES, DiscoveryError, list_pages_folder, parse_feed, parse_sitemap
from sources.urls import canonical_url


@dataclass
class Discovery:
    """What discovery found for one source."""

    urls: list[DiscoveredURL] = field(default_factory=list)
    feed_fetches: list[tuple[str, str, FetchResult]] = field(default_factory=list)  # url, kind, result
    errors: list[str] = field(default_factory=list)
    off_domain: int = 0  # distinct URLs dropped for lying outside the source's domains
    invalid: int = 0  # links that are no http(s) URL (mailto:, junk)


async def discover_source(source: SourceConfig, fetcher: Fetcher,
                          validators: dict[str, tuple[str | None, str | None]]) -> Discovery:
    """Candidate page URLs from every feed of `source`.

    Feeds and sitemaps are fetched with `kind="feed"` and the conditional-GET validators
    stored for their URL (url -> (etag, last_modified)); a 304 means nothing new there.
    A feed that fails is reported in `errors` and the others go on.
    """
    return await _SourceDiscovery(source, fetcher, validators).run()


class _SourceDiscovery:
    """One source's discovery run: the fetches, and the URLs found so far."""

    def __init__(self, source: SourceConfig, fetcher: Fetcher,
                 validators: dict[str, tuple[str | None, str | None]]) -> None:
        self.source, self.fetcher, self.validators = source, fetcher, validators
        # One Fetcher serves a whole run; this source's user agent and rate go with each fetch.
        self.policy = FetchPolicy.for_source(source)
        self.result = Discovery()
        self.found: dict[str, DiscoveredURL] = {}
        self.off_domain: set[str] = set()

    async def run(self) -> Discovery:
        for feed in self.source.feeds:
            if isinstance(feed, PagesFeed):
                for uri in list_pages_folder(feed.path):  # already canonical: one URI per file
                    self.found.setdefault(uri, DiscoveredURL(uri, self.source.name, feed.path.as_uri()))
            elif isinstance(feed, RssFeed):
                await self._read_feed(feed)
            elif isinstance(feed, SitemapFeed):
                await self._walk_sitemaps(feed)
        self.result.urls = list(self.found.values())
        self.result.off_domain = len(self.off_domain)
        return self.result

    async def _read_feed(self, feed: RssFeed) -> None:
        body = await self._fetch(feed.url, "rss")
        if body is None:
            return
        try:
            entries = parse_feed(body, feed.url)
        except DiscoveryError as exc:
            self.result.errors.append(f"rss {feed.url}: {exc}")
            return
        for url, date in entries:
            self._add(url, feed.url, date)

    async def _walk_sitemaps(self, feed: SitemapFeed) -> None:
        # Breadth-first, so max_depth cuts the deepest indexes; `visited` stops loops.
        # A 304 on an index skips its children too: the protocol has an index's <lastmod>
        # change whenever a child changes, so an unchanged index means unchanged children.
        queue = deque([(feed.url, 0)])
        visited = {canonical_url(feed.url) or feed.url}
        while queue:
            url, depth = queue.popleft()
            body = await self._fetch(url, "sitemap")
            if body is None:
                continue
            try:
                page = parse_sitemap(body, url)
            except DiscoveryError as exc:
                self.result.errors.append(f"sitemap {url}: {exc}")
                continue
            if page.dropped:
                self.result.errors.append(f"sitemap {url}: over {MAX_SITEMAP_ENTRIES} entries;"
                                          f" left out the last {page.dropped}")
            for page_url, lastmod in page.urls:
                self._add(page_url, url, lastmod)
            children = _unvisited(page.children, visited)
            if children and depth >= feed.max_depth:
                self.result.errors.append(f"sitemap {url}: not following {len(children)} child"
                                          f" sitemap(s) deeper than max_depth {feed.max_depth}")
                continue
            for child in children:
                if self.source.allows(child):
                    queue.append((child, depth + 1))
                else:
                    self.result.errors.append(f"sitemap {url}: child sitemap {child} is off the"
                                              " source's domains; not followed")

    async def _fetch(self, url: str, kind: str) -> bytes | None:
        """The new body of a feed or sitemap, or None (not modified, or failed: reported)."""
        etag, last_modified = self.validators.get(url, (None, None))
        result = await self.fetcher.fetch(url, self.source.name, kind="feed", etag=etag,
                                          last_modified=last_modified, policy=self.policy)
        self.result.feed_fetches.append((url, kind, result))
        if result.outcome == "fetched" and result.body is not None:
            return result.body
        if result.outcome != "not_modified":
            reason = result.error or (f"HTTP {result.status}" if result.status else "no response")
            self.result.errors.append(f"{kind} {url}: {result.outcome}: {reason}")
        return None

    def _add(self, link: str, via: str, lastmod: datetime | None) -> None:
        url = canonical_url(link)
        if url is None:
            self.result.invalid += 1
        elif not self.source.allows(url):
            self.off_domain.add(url)
        elif url not in self.found or (self.found[url].lastmod is None and lastmod):
            # A later listing with a date beats an undated one.
            self.found[url] = DiscoveredURL(url, self.source.name, via, lastmod)


def _unvisited(urls: list[str], visited: set[str]) -> list[str]:
    """The `urls` not seen before (compared in canonical form), now marked as seen."""
    fresh = []
    for url in urls:
        key = canonical_url(url) or url
        if key not in visited:
            visited.add(key)
            fresh.append(url)
    return fresh

"""Discovery: from a source's feeds, sitemaps and folders to candidate page URLs.

`discover_source` fetches feeds and sitemaps through the run's shared Fetcher, reads them
with `sources.parsers`, then canonicalises, de-duplicates and keeps only URLs on the
source's domains.

Each feed and sitemap has a cursor: the newest entry date (or lastmod) seen in it so far. Entries
dated before it are not listed again, and a child sitemap whose lastmod in its index is not after
its cursor is not fetched at all. Undated entries are always listed; the frontier knows them.

A W3C Datetime may be only a year or a month ("2019", "2019-11"): it dates an entry by its first
day and moves the cursor there, which is safe, as the entries of that same year or month are then
at the cursor and listed again. A child sitemap's such lastmod in its index is not compared with
its cursor (`sources.parsers` leaves it out of `child_lastmods`): "2025" would equal the cursor all
year, and the child would go unread, however it changed, until the index said "2026". The child is
fetched every run, with its validators, as an undated one is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from winnow.schemas.records import DiscoveredURL, FetchResult
from winnow.sources.feeds import PagesFeed, RssFeed, SitemapFeed
from winnow.sources.fetch import Fetcher, FetchPolicy
from winnow.sources.parsers import (
    MAX_SITEMAP_ENTRIES,
    DiscoveryError,
    SitemapPage,
    list_pages_folder,
    parse_feed,
    parse_sitemap,
)
from winnow.sources.source_config import SourceConfig
from winnow.sources.urls import canonical_url

# A date further ahead than this is a broken feed's, not news: it does not move a cursor, or the
# feed's real entries would all be behind it until that day.
FUTURE_SLACK = timedelta(days=1)


@dataclass
class Discovery:
    """What discovery found for one source."""

    urls: list[DiscoveredURL] = field(default_factory=list)
    feed_fetches: list[tuple[str, str, FetchResult]] = field(default_factory=list)  # url, kind, result
    errors: list[str] = field(default_factory=list)
    off_domain: int = 0  # distinct URLs dropped for lying outside the source's domains
    invalid: int = 0  # links that are no http(s) URL (mailto:, junk)
    cursors: dict[str, datetime] = field(default_factory=dict)  # feed or sitemap url -> newest date read in it
    behind_cursor: int = 0  # entries not listed: dated before their feed's cursor


async def discover_source(
    source: SourceConfig,
    fetcher: Fetcher,
    validators: dict[str, tuple[str | None, str | None]],
    cursors: dict[str, datetime],
) -> Discovery:
    """Candidate page URLs from every feed of `source`.

    Feeds and sitemaps are fetched with `kind="feed"` and the conditional-GET validators
    stored for their URL (url -> (etag, last_modified)); a 304 means nothing new there.
    `cursors` (url -> date) leave out what is older than the last run read there; the
    returned `cursors` are the newest dates read this time. A feed that fails is reported
    in `errors` and the others go on.
    """
    return await _SourceDiscovery(source, fetcher, validators, cursors).run()


class _SourceDiscovery:
    """One source's discovery run: the fetches, and the URLs found so far."""

    def __init__(
        self,
        source: SourceConfig,
        fetcher: Fetcher,
        validators: dict[str, tuple[str | None, str | None]],
        cursors: dict[str, datetime],
    ) -> None:
        self.source, self.fetcher, self.validators, self.cursors = source, fetcher, validators, cursors
        # One Fetcher serves a whole run; this source's user agent and rate go with each fetch.
        self.policy = FetchPolicy.for_source(source)
        self.result = Discovery()
        self.horizon = datetime.now(timezone.utc) + FUTURE_SLACK  # later dates do not move a cursor
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
            self._report(feed.url, f"rss {feed.url}: {exc}")
            return
        self._list(entries, feed.url)

    async def _walk_sitemaps(self, feed: SitemapFeed) -> None:
        # Breadth-first, so max_depth cuts the deepest indexes; `visited` stops loops.
        # A 304 on an index skips its children too: the protocol has an index's <lastmod>
        # change whenever a child changes, so an unchanged index means unchanged children.
        # For the same reason a child whose <lastmod> is not after its cursor is not fetched.
        queue: deque[tuple[str, int, datetime | None]] = deque([(feed.url, 0, None)])  # url, depth, <lastmod>
        visited = {canonical_url(feed.url) or feed.url}
        parent: dict[str, str] = {}
        read: list[tuple[str, datetime]] = []  # sitemaps read, with their <lastmod> in the index
        unfinished: set[str] = set()  # sitemaps with an error in or under them
        while queue:
            url, depth, lastmod = queue.popleft()
            errors_before = len(self.result.errors)
            page = await self._read_sitemap(url)
            if page is not None and lastmod is not None:
                read.append((url, lastmod))
            children = _unvisited(page.children, visited) if page else []
            if children and depth >= feed.max_depth:
                self._report(
                    url,
                    f"sitemap {url}: not following {len(children)} child"
                    f" sitemap(s) deeper than max_depth {feed.max_depth}",
                )
                children = []
            for child in children:
                child_lastmod, cursor = page.child_lastmods.get(child), self.cursors.get(child)
                if not self.source.allows(child):
                    self.result.errors.append(
                        f"sitemap {url}: child sitemap {child} is off the source's domains; not followed"
                    )
                elif child_lastmod is None or cursor is None or child_lastmod > cursor:
                    parent[child] = url
                    queue.append((child, depth + 1, child_lastmod))
            if len(self.result.errors) > errors_before:
                unfinished.update(_lineage(url, parent))
        # A sitemap read with everything under it is up to date as of its <lastmod>, so its cursor
        # moves there and next run skips it while its index says the same. Not with an error in or
        # under it: its cursor would pass URLs never listed.
        for url, lastmod in read:
            if url not in unfinished:
                self._advance(url, [lastmod])

    async def _read_sitemap(self, url: str) -> SitemapPage | None:
        """Fetch and parse one sitemap and list its page URLs; None if there was no new body to read."""
        body = await self._fetch(url, "sitemap")
        if body is None:
            return None
        try:
            page = parse_sitemap(body, url)
        except DiscoveryError as exc:
            self._report(url, f"sitemap {url}: {exc}")
            return None
        if page.dropped:
            self._report(url, f"sitemap {url}: over {MAX_SITEMAP_ENTRIES} entries; left out the last {page.dropped}")
        self._list(page.urls, url)
        return page

    async def _fetch(self, url: str, kind: str) -> bytes | None:
        """The new body of a feed or sitemap, or None (not modified, or failed: reported)."""
        etag, last_modified = self.validators.get(url, (None, None))
        result = await self.fetcher.fetch(
            url, self.source.name, kind="feed", etag=etag, last_modified=last_modified, policy=self.policy
        )
        # The body is read here; the record of the fetch leaves it behind, as the Discovery may
        # be sent from a worker to the flow.
        self.result.feed_fetches.append((url, kind, replace(result, body=None)))
        if result.outcome == "fetched" and result.body is not None:
            return result.body
        if result.outcome != "not_modified":
            reason = result.error or (f"HTTP {result.status}" if result.status else "no response")
            self.result.errors.append(f"{kind} {url}: {result.outcome}: {reason}")
        return None

    def _report(self, url: str, error: str) -> None:
        """An error in reading the feed or sitemap at `url` (fetched this run): a run log line,
        and its `feeds.last_error`, so that a feed that is fetched fine but unreadable shows."""
        self.result.errors.append(error)
        for i, (fetched_url, kind, result) in enumerate(self.result.feed_fetches):
            if fetched_url == url:
                self.result.feed_fetches[i] = (fetched_url, kind, replace(result, error=error))

    def _list(self, entries: list[tuple[str, datetime | None]], feed_url: str) -> None:
        """Add a feed's or sitemap's entries but those dated before its cursor (one dated at the
        cursor may be new: it is listed), and move its new cursor to the newest date."""
        cursor = self.cursors.get(feed_url)
        for link, date in entries:
            if cursor is not None and date is not None and date < cursor:
                self.result.behind_cursor += 1
            else:
                self._add(link, feed_url, date)
        self._advance(feed_url, [date for _, date in entries if date is not None])

    def _advance(self, feed_url: str, dates: list[datetime]) -> None:
        """Move the feed's new cursor to the newest of `dates` not in the future."""
        newest = max((date for date in dates if date <= self.horizon), default=None)
        if newest is not None:
            self.result.cursors[feed_url] = max(newest, self.result.cursors.get(feed_url, newest))

    def _add(self, link: str, via: str, lastmod: datetime | None) -> None:
        url = canonical_url(link)
        if url is None:
            self.result.invalid += 1
        elif not self.source.allows(url):
            self.off_domain.add(url)
        elif url not in self.found or (self.found[url].lastmod is None and lastmod):
            # A later listing with a date beats an undated one.
            self.found[url] = DiscoveredURL(url, self.source.name, via, lastmod)


def _lineage(url: str, parent: dict[str, str]) -> list[str]:
    """`url` and the sitemaps above it, up to the feed's own."""
    chain = [url]
    while chain[-1] in parent:
        chain.append(parent[chain[-1]])
    return chain


def _unvisited(urls: list[str], visited: set[str]) -> list[str]:
    """The `urls` not seen before (compared in canonical form), now marked as seen."""
    fresh = []
    for url in urls:
        key = canonical_url(url) or url
        if key not in visited:
            visited.add(key)
            fresh.append(url)
    return fresh

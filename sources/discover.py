"""Discovery: from a source's feeds, sitemaps and folders to candidate page URLs.

The parsers take bytes and return plain values, with no network, so they can be tested
alone; `discover_source` fetches through the run's shared Fetcher, then canonicalises,
de-duplicates and keeps only URLs on the source's domains.
"""

from __future__ import annotations

import io
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

from schemas.records import DiscoveredURL, FetchResult
from sources.config import PagesFeed, RssFeed, SitemapFeed, SourceConfig
from sources.fetch import Fetcher, FetchPolicy
from sources.urls import canonical_url

# The sitemaps protocol's own limits per file; they also bound what a hostile file costs.
MAX_SITEMAP_ENTRIES = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


class DiscoveryError(Exception):
    """A feed or sitemap that cannot be read."""


@dataclass
class SitemapPage:
    """What one sitemap file lists: page URLs (urlset) or further sitemaps (index)."""

    urls: list[tuple[str, datetime | None]]
    children: list[str]
    dropped: int = 0  # entries past MAX_SITEMAP_ENTRIES, left out


@dataclass
class Discovery:
    """What discovery found for one source."""

    urls: list[DiscoveredURL] = field(default_factory=list)
    feed_fetches: list[tuple[str, str, FetchResult]] = field(default_factory=list)  # url, kind, result
    errors: list[str] = field(default_factory=list)
    off_domain: int = 0  # distinct URLs dropped for lying outside the source's domains
    invalid: int = 0  # links that are no http(s) URL (mailto:, junk)


def parse_feed(body: bytes, feed_url: str) -> list[tuple[str, datetime | None]]:
    """(link, date in UTC) of each entry of an RSS or Atom feed; relative links resolve
    against `feed_url`. A document that is no feed raises DiscoveryError."""
    # A stream, not bytes: feedparser tries to open() bytes as a file name first.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": feed_url})
    if not parsed.entries and not parsed.get("version"):
        reason = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise DiscoveryError(f"not an RSS or Atom feed{reason}")
    entries = []
    for entry in parsed.entries:
        if entry.get("link"):
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            date = datetime(*when[:6], tzinfo=timezone.utc) if when else None
            entries.append((urljoin(feed_url, entry["link"]), date))
    return entries


def parse_sitemap(body: bytes, sitemap_url: str) -> SitemapPage:
    """The entries of a sitemap index, urlset or Google News sitemap, plain or gzipped.

    Entity declarations are refused (no "billion laughs"); malformed XML, a document
    that is no sitemap, or broken gzip data raise DiscoveryError.
    """
    data = _gunzip(body) if body.startswith(GZIP_MAGIC) else body
    root = _parse_xml(data)
    kind = _local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap: the root element is <{kind}>")
    page = SitemapPage(urls=[], children=[])
    for entry in root:
        if _local_name(entry.tag) not in ("url", "sitemap"):
            continue
        if len(page.urls) + len(page.children) >= MAX_SITEMAP_ENTRIES:
            page.dropped += 1
            continue
        loc = _child_text(entry, "loc")
        if not loc:
            continue
        if kind == "sitemapindex":
            page.children.append(urljoin(sitemap_url, loc))
        else:
            page.urls.append((urljoin(sitemap_url, loc), _entry_date(entry)))
    return page


def list_pages_folder(path: Path) -> list[str]:
    """Sorted file:// URIs of the saved pages (.html, .htm, .html.gz) under `path`, recursively."""
    folder = Path(path).resolve()
    return sorted(p.as_uri() for p in folder.rglob("*")
                  if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))


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


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header expected
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error as exc:
        raise DiscoveryError(f"broken gzip data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise DiscoveryError(f"more than {MAX_SITEMAP_BYTES} bytes once decompressed")
    if not inflater.eof:
        raise DiscoveryError("broken gzip data: truncated")
    return data


def _parse_xml(data: bytes) -> Element:
    try:
        return parse_xml_safely(data, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DiscoveryError(f"refused unsafe XML: {exc}") from exc
    except ParseError as exc:
        raise DiscoveryError(f"malformed XML: {exc}") from exc


def _local_name(tag: str) -> str:
    """The tag without its namespace: sitemaps come with, without, and with odd namespaces."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: Element, name: str) -> str | None:
    return next(((child.text or "").strip() for child in element
                 if _local_name(child.tag) == name), None)


def _entry_date(entry: Element) -> datetime | None:
    """<lastmod>, else a Google News <news:publication_date>, as UTC."""
    text = _child_text(entry, "lastmod")
    if not text:
        news = next((child for child in entry if _local_name(child.tag) == "news"), None)
        text = _child_text(news, "publication_date") if news is not None else None
    return _w3c_datetime(text) if text else None


def _w3c_datetime(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    # W3C dates without a zone (or plain dates) are taken as UTC.
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)

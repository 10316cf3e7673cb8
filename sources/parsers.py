"""Parsers for discovery: feeds, sitemaps and folders of saved pages to page URLs, and a
page's head to the feeds it announces.

They take bytes (or a folder) and return plain values, with no network, so they can be
tested alone. Whatever a file holds, what it costs to read is bounded.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

# The sitemaps protocol's own limits per file; they also bound what a hostile file costs.
MAX_SITEMAP_ENTRIES = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
# The <link type>s that announce what parse_feed reads (JSON Feed it does not).
FEED_LINK_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
NEWS_SITEMAP_NS = b"http://www.google.com/schemas/sitemap-news/0.9"
HTML_CHUNK = 64 * 1024


class DiscoveryError(Exception):
    """A feed or sitemap that cannot be read."""


@dataclass
class SitemapPage:
    """What one sitemap file lists: page URLs (urlset) or further sitemaps (index)."""

    urls: list[tuple[str, datetime | None]]
    children: list[str]
    dropped: int = 0  # entries past MAX_SITEMAP_ENTRIES, left out
    child_lastmods: dict[str, datetime] = field(default_factory=dict)  # an index's <lastmod> per child, in UTC


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
            child = urljoin(sitemap_url, loc)
            page.children.append(child)
            lastmod = _entry_date(entry)
            if lastmod is not None:
                # A child listed twice keeps its latest date: the one that says it may have changed.
                page.child_lastmods[child] = max(lastmod, page.child_lastmods.get(child, lastmod))
        else:
            page.urls.append((urljoin(sitemap_url, loc), _entry_date(entry)))
    return page


def is_news_sitemap(body: bytes) -> bool:
    """Whether a sitemap (plain or gzipped) declares the Google News namespace: such a sitemap
    lists only the last days' articles, so it is cheap to read on every run."""
    data = _gunzip(body) if body.startswith(GZIP_MAGIC) else body
    return NEWS_SITEMAP_NS in data


@dataclass(frozen=True)
class FeedLink:
    """A feed a page announces in its head: <link rel="alternate" type="application/rss+xml" ...>."""

    url: str  # absolute
    title: str | None = None


def feed_links(html: bytes, page_url: str) -> list[FeedLink]:
    """The RSS, Atom and RDF feeds announced by <link rel="alternate"> in the head of an HTML
    page, in page order and without repeats; relative hrefs resolve against <base href> and
    `page_url`. Reading stops at <body>, so a long page costs little."""
    collector = _FeedLinkCollector(page_url)
    text = html.decode("utf-8", errors="replace")  # URLs are ASCII or UTF-8 in practice
    for start in range(0, len(text), HTML_CHUNK):
        if collector.in_body:
            break
        collector.feed(text[start:start + HTML_CHUNK])
    collector.close()
    return list(collector.links.values())


class _FeedLinkCollector(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = page_url
        self.links: dict[str, FeedLink] = {}  # by URL: the first announcement wins
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_body or tag == "body":
            self.in_body = True
            return
        values = {name: (value or "").strip() for name, value in attrs}
        try:
            if tag == "base" and values.get("href"):
                self.base_url = urljoin(self.base_url, values["href"])
            elif (tag == "link" and values.get("href") and "alternate" in values.get("rel", "").lower().split()
                  and values.get("type", "").lower() in FEED_LINK_TYPES):
                url = urljoin(self.base_url, values["href"])
                self.links.setdefault(url, FeedLink(url, values.get("title") or None))
        except ValueError:  # an href no URL parser reads ("http://[x"): not a link to follow
            pass


def list_pages_folder(path: Path) -> list[str]:
    """Sorted file:// URIs of the saved pages (.html, .htm, .html.gz) under `path`, recursively."""
    folder = Path(path).resolve()
    return sorted(p.as_uri() for p in folder.rglob("*")
                  if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))


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

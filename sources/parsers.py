"""Parsers for discovery: feeds (RSS, Atom, JSON Feed), sitemaps (XML or text) and folders of
saved pages to page URLs, and a page's head to the feeds it announces.

They take bytes (or a folder) and return plain values, with no network, so they can be
tested alone. Whatever a file holds, what it costs to read is bounded.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

from winnow.sources.urls import WEB_SCHEMES

# The sitemaps protocol's own limits per file; they also bound what a hostile file costs.
MAX_SITEMAP_ENTRIES = 50_000
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
# The <link type>s that announce what parse_feed reads. JSON Feed 1.1 says application/feed+json;
# version 1 said application/json, which also announces other JSON (WordPress's REST API): such a
# candidate is fetched and dropped as no feed.
FEED_LINK_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
}
NEWS_SITEMAP_NS = b"http://www.google.com/schemas/sitemap-news/0.9"
HTML_CHUNK = 64 * 1024
# How bodies begin, after an optional UTF-8 byte order mark and blank space (bytes regexes: \s is ASCII).
XML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<")
JSON_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*\{")
FIRST_LINE = re.compile(rb"(?:\xef\xbb\xbf)?\s*([^\r\n]*)")
LINE = re.compile(rb"[^\r\n]+")  # a line that is not empty; found without a copy of the body
JSON_FEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/")
NOT_IN_A_URL = re.compile(r"[\s\ufffd]")  # blank space, or a byte that was not UTF-8
# The W3C Datetime forms (https://www.w3.org/TR/NOTE-datetime) that datetime.fromisoformat refuses.
W3C_YEAR_OR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")


class DiscoveryError(Exception):
    """A feed or sitemap that cannot be read."""


@dataclass
class SitemapPage:
    """What one sitemap file lists: page URLs (urlset) or further sitemaps (index)."""

    urls: list[tuple[str, datetime | None]]
    children: list[str]
    dropped: int = 0  # entries past MAX_SITEMAP_ENTRIES, left out
    # An index's <lastmod> per child, in UTC; not one of only a year or a month (see _child_lastmod).
    child_lastmods: dict[str, datetime] = field(default_factory=dict)


def parse_feed(body: bytes, feed_url: str) -> list[tuple[str, datetime | None]]:
    """(link, date in UTC) of each entry of an RSS, Atom or JSON Feed; relative links resolve
    against `feed_url`. A document that is no feed raises DiscoveryError."""
    if JSON_START.match(body):
        return _parse_json_feed(body, feed_url)
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


def _parse_json_feed(body: bytes, feed_url: str) -> list[tuple[str, datetime | None]]:
    """The items of a JSON Feed (jsonfeed.org, versions 1 and 1.1) as parse_feed gives them."""
    try:
        feed = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested past the stack
        raise DiscoveryError(f"not a JSON Feed: malformed JSON ({exc})") from exc
    version = feed.get("version") if isinstance(feed, dict) else None
    if not isinstance(version, str) or not JSON_FEED_VERSION.match(version):
        raise DiscoveryError("not a JSON Feed: no https://jsonfeed.org/version/ in its version")
    if not isinstance(feed.get("items"), list):
        raise DiscoveryError("not a JSON Feed: no list of items")
    entries = []
    for item in feed["items"]:
        link = _json_item_link(item, feed_url) if isinstance(item, dict) else None
        if link:
            entries.append((link, _json_item_date(item)))
    return entries


def _json_item_link(item: dict, feed_url: str) -> str | None:
    """The item's `url`, its permalink, resolved; else its `id` if that is an absolute http(s)
    URL. Not `external_url`: that is the page the item is about, elsewhere (a link post)."""
    url, item_id = item.get("url"), item.get("id")
    if isinstance(url, str) and url.strip():
        return _resolved(feed_url, url.strip())
    if isinstance(item_id, str) and _is_absolute_http_url(item_id.strip()):
        return item_id.strip()
    return None


def _json_item_date(item: dict) -> datetime | None:
    """`date_published`, else `date_modified` (RFC 3339, a profile of W3C Datetime), in UTC."""
    for key in ("date_published", "date_modified"):
        value = item.get(key)
        if isinstance(value, str) and (date := _w3c_datetime(value.strip())):
            return date
    return None


def parse_sitemap(body: bytes, sitemap_url: str) -> SitemapPage:
    """The entries of a sitemap, plain or gzipped: an XML sitemap index, urlset or Google News
    sitemap, or a text sitemap (one absolute URL a line, undated).

    Entity declarations are refused (no "billion laughs"); malformed XML, a document
    that is no sitemap, or broken gzip data raise DiscoveryError.
    """
    data = _gunzip(body) if body.startswith(GZIP_MAGIC) else body
    if starts_as_url_list(data):
        return _parse_url_list(data)
    if not XML_START.match(data):
        raise DiscoveryError("not a sitemap: neither XML nor a list of absolute http(s) URLs, one a line")
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
        link = _resolved(sitemap_url, loc) if loc else None
        if link is None:
            continue
        if kind == "sitemapindex":
            page.children.append(link)
            lastmod = _child_lastmod(entry)
            if lastmod is not None:
                # A child listed twice keeps its latest date: the one that says it may have changed.
                page.child_lastmods[link] = max(lastmod, page.child_lastmods.get(link, lastmod))
        else:
            page.urls.append((link, _entry_date(entry)))
    return page


def starts_as_url_list(data: bytes) -> bool:
    """Whether `data` begins as a text sitemap does: its first line that is not blank is an
    absolute http(s) URL (what no XML, HTML or JSON document begins with)."""
    first_line = FIRST_LINE.match(data).group(1).strip()
    return _is_absolute_http_url(first_line.decode("utf-8", errors="replace"))


def _parse_url_list(data: bytes) -> SitemapPage:
    """A text sitemap: every line that is not blank is one word. A word that is no absolute
    http(s) URL (a relative path, another scheme, not UTF-8) is skipped, as the protocol allows
    none; a line of several words is prose, so the body is some page, not a sitemap."""
    page = SitemapPage(urls=[], children=[])
    for line in LINE.finditer(data, len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0):
        words = line.group().split()
        if len(words) > 1:
            text = line.group()[:80].decode("utf-8", errors="replace")
            raise DiscoveryError(f"not a sitemap: a line of text among its URLs: {text!r}")
        url = words[0].decode("utf-8", errors="replace") if words else ""
        if not _is_absolute_http_url(url):
            continue
        if len(page.urls) >= MAX_SITEMAP_ENTRIES:
            page.dropped += 1
        else:
            page.urls.append((url, None))
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
        collector.feed(text[start : start + HTML_CHUNK])
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
            elif (
                tag == "link"
                and values.get("href")
                and "alternate" in values.get("rel", "").lower().split()
                and values.get("type", "").lower() in FEED_LINK_TYPES
            ):
                url = urljoin(self.base_url, values["href"])
                self.links.setdefault(url, FeedLink(url, values.get("title") or None))
        except ValueError:  # an href no URL parser reads ("http://[x"): not a link to follow
            pass


def list_pages_folder(path: Path) -> list[str]:
    """Sorted file:// URIs of the saved pages (.html, .htm, .html.gz) under `path`, recursively."""
    folder = Path(path).resolve()
    return sorted(p.as_uri() for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))


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
    return next(((child.text or "").strip() for child in element if _local_name(child.tag) == name), None)


def _resolved(base: str, link: str) -> str | None:
    """`link` resolved against `base`, or None where no URL parser reads it ("http://[x")."""
    try:
        return urljoin(base, link)
    except ValueError:
        return None


def _is_absolute_http_url(text: str) -> bool:
    """Whether `text` is an http(s) URL with a host, and nothing else."""
    if not text or NOT_IN_A_URL.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def _child_lastmod(entry: Element) -> datetime | None:
    """An index's <lastmod> for a child, when it is finer than a month. A year or a month
    cannot say whether the child changed since it was read within that year or month; as a
    cursor, compared with `>`, it would keep a child of the current year unread until the next."""
    text = _child_text(entry, "lastmod")
    return _w3c_datetime(text) if text and not W3C_YEAR_OR_MONTH.fullmatch(text) else None


def _entry_date(entry: Element) -> datetime | None:
    """<lastmod>, else a Google News <news:publication_date>, as UTC."""
    text = _child_text(entry, "lastmod")
    if not text:
        news = next((child for child in entry if _local_name(child.tag) == "news"), None)
        text = _child_text(news, "publication_date") if news is not None else None
    return _w3c_datetime(text) if text else None


def _w3c_datetime(text: str) -> datetime | None:
    """A W3C Datetime (so RFC 3339 too) in UTC, or None: a year or a month is its first day,
    00:00 UTC."""
    try:
        if year_or_month := W3C_YEAR_OR_MONTH.fullmatch(text):
            year, month = year_or_month.groups()
            return datetime(int(year), int(month or 1), 1, tzinfo=timezone.utc)
        # RFC 3339 allows "t" and "z" in lower case; fromisoformat does not.
        value = datetime.fromisoformat(text.upper())
    except ValueError:  # also a month 13, or a year 0
        return None
    # W3C dates without a zone (or plain dates) are taken as UTC.
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)

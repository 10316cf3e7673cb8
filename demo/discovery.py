"""The demo's discovery files: RSS, Atom, sitemaps (index, news, monthly) and robots.txt.

Each one also carries the quirks a real crawler meets: tracking parameters, a duplicate
item, a robots-disallowed link, a sitemap index pointing at a gzipped sitemap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from winnow.demo.corpus import BASE_URL, PUBLISHERS, Story

TRACKING = "?utm_source=rss&utm_medium=feed"
PRIVATE_PATH = "private/harbour-herald/2026/11/harbour-budget-draft.html"
PRIVATE_TITLE = "DRAFT: harbour budget figures (embargoed)"
PRIVATE_DATE = datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc)  # newer than every story
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def rss_feed(stories: Sequence[Story]) -> str:
    """The Harbour Herald's RSS 2.0 feed, newest first.

    Every third item's link carries utm_* parameters; the oldest story is listed twice, the
    second time with a #comments fragment; and an embargoed draft under /private/ (which
    robots.txt disallows) heads the list.
    """
    publisher = stories[0].publisher
    newest_first = sorted(stories, key=lambda s: s.date, reverse=True)
    items = [
        _rss_item(
            PRIVATE_TITLE,
            f"{BASE_URL}/{PRIVATE_PATH}",
            "harbour-herald-draft",
            format_datetime(PRIVATE_DATE),
            "Newsdesk",
            "Internal",
            "Not for publication.",
        )
    ]
    for index, story in enumerate(newest_first):
        link = story.url + (TRACKING if index % 3 == 1 else "")
        items.append(_story_item(story, link, f"harbour-herald-{story.slug}"))
    oldest = newest_first[-1]
    items.append(_story_item(oldest, oldest.url + "#comments", f"harbour-herald-{oldest.slug}-comments"))
    return (
        XML_DECLARATION + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"  <title>{escape(publisher.name)}</title>\n"
        f"  <link>{publisher.home}</link>\n"
        f"  <description>{escape(publisher.tagline)}</description>\n"
        "  <language>en-gb</language>\n"
        f"  <lastBuildDate>{format_datetime(PRIVATE_DATE)}</lastBuildDate>\n"
        f'  <atom:link href="{BASE_URL}/harbour-herald/feed.xml" rel="self"'
        ' type="application/rss+xml"/>\n' + "".join(items) + "</channel>\n</rss>\n"
    )


def _story_item(story: Story, link: str, guid: str) -> str:
    return _rss_item(
        story.title, link, guid, format_datetime(story.date), story.author, story.section, story.standfirst
    )


def _rss_item(title: str, link: str, guid: str, pub_date: str, author: str, category: str, description: str) -> str:
    return (
        "  <item>\n"
        f"    <title>{escape(title)}</title>\n"
        f"    <link>{escape(link)}</link>\n"
        f'    <guid isPermaLink="false">{guid}</guid>\n'
        f"    <pubDate>{pub_date}</pubDate>\n"
        f"    <dc:creator>{escape(author)}</dc:creator>\n"
        f"    <category>{escape(category)}</category>\n"
        f"    <description>{escape(description)}</description>\n"
        "  </item>\n"
    )


def atom_feed(stories: Sequence[Story]) -> str:
    """The Vale Courier's Atom 1.0 feed, newest first."""
    publisher = stories[0].publisher
    newest_first = sorted(stories, key=lambda s: s.date, reverse=True)
    entries = "".join(
        "  <entry>\n"
        f"    <title>{escape(s.title)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{escape(s.url)}"/>\n'
        f"    <id>tag:vale-courier.demo,2026:{s.slug}</id>\n"
        f"    <published>{s.date.isoformat()}</published>\n"
        f"    <updated>{s.date.isoformat()}</updated>\n"
        f"    <author><name>{escape(s.author)}</name></author>\n"
        f'    <category term="{escape(s.section)}"/>\n'
        f"    <summary>{escape(s.standfirst)}</summary>\n"
        "  </entry>\n"
        for s in newest_first
    )
    return (
        XML_DECLARATION + '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        f"  <title>{escape(publisher.name)}</title>\n"
        f"  <subtitle>{escape(publisher.tagline)}</subtitle>\n"
        "  <id>tag:vale-courier.demo,2026:feed</id>\n"
        '  <link rel="self" type="application/atom+xml"'
        f' href="{BASE_URL}/vale-courier/atom.xml"/>\n'
        f'  <link rel="alternate" type="text/html" href="{publisher.home}"/>\n'
        f"  <updated>{newest_first[0].date.isoformat()}</updated>\n" + entries + "</feed>\n"
    )


def urlset(stories: Sequence[Story], news: bool = False) -> str:
    """A sitemap <urlset> with <lastmod>; `news` adds Google News <news:news> blocks."""
    namespaces = f'xmlns="{SITEMAP_NS}"' + (f' xmlns:news="{NEWS_NS}"' if news else "")
    urls = []
    for story in sorted(stories, key=lambda s: s.date, reverse=True):
        news_block = (
            ""
            if not news
            else (
                "    <news:news>\n"
                "      <news:publication>\n"
                f"        <news:name>{escape(story.publisher.name)}</news:name>\n"
                "        <news:language>en</news:language>\n"
                "      </news:publication>\n"
                f"      <news:publication_date>{story.date.isoformat()}</news:publication_date>\n"
                f"      <news:title>{escape(story.title)}</news:title>\n"
                "    </news:news>\n"
            )
        )
        urls.append(
            f"  <url>\n    <loc>{escape(story.url)}</loc>\n"
            f"    <lastmod>{story.date.isoformat()}</lastmod>\n{news_block}  </url>\n"
        )
    return XML_DECLARATION + f"<urlset {namespaces}>\n" + "".join(urls) + "</urlset>\n"


def sitemap_index(children: Sequence[tuple[str, str]]) -> str:
    """A <sitemapindex> over (url, lastmod) pairs."""
    entries = "".join(
        f"  <sitemap>\n    <loc>{escape(url)}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </sitemap>\n"
        for url, lastmod in children
    )
    return XML_DECLARATION + f'<sitemapindex xmlns="{SITEMAP_NS}">\n' + entries + "</sitemapindex>\n"


def observer_sitemaps(stories: Sequence[Story]) -> dict[str, str]:
    """The Northgate Observer's sitemaps by file name: an index pointing to a news sitemap
    of the latest month's stories and one gzipped sitemap per earlier month.

    The monthly files are written plain (sitemap-YYYY-MM.xml); the index links their .gz
    names, which the demo server gzips on the fly.
    """
    key = stories[0].publisher.key
    months = sorted({s.date.strftime("%Y-%m") for s in stories})
    by_month = {m: [s for s in stories if s.date.strftime("%Y-%m") == m] for m in months}
    files = {"news-sitemap.xml": urlset(by_month[months[-1]], news=True)}
    children = [(f"{BASE_URL}/{key}/news-sitemap.xml", _latest(by_month[months[-1]]))]
    for month in months[:-1]:
        files[f"sitemap-{month}.xml"] = urlset(by_month[month])
        children.append((f"{BASE_URL}/{key}/sitemap-{month}.xml.gz", _latest(by_month[month])))
    files["sitemap.xml"] = sitemap_index(children)
    return files


def _latest(stories: Sequence[Story]) -> str:
    return max(s.date for s in stories).isoformat()


def robots_txt() -> str:
    """One robots.txt for the shared host: everything allowed except /private/."""
    sitemaps = "".join(f"Sitemap: {BASE_URL}/{p.key}/sitemap.xml\n" for p in PUBLISHERS)
    return (
        "# winnow demo corpus: three fictional publishers on one host\n"
        "User-agent: *\n"
        "Disallow: /private/\n\n" + sitemaps
    )

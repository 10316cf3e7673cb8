"""Feeds and sitemaps as sites serve them, and a whole news site's worth of them."""

from __future__ import annotations

from datetime import datetime

from tests.support.localserver import LocalServer

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*entries: str, extra_ns: str = "") -> bytes:
    return f'<?xml version="1.0"?><urlset {SITEMAP_NS} {extra_ns}>{"".join(entries)}</urlset>'.encode()


def sitemap_index(*children: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)
    return f'<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>{entries}</sitemapindex>'.encode()


# A feed of herald.example: a tracked link, a relative one, and an item with no link.
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Herald</title><link>https://herald.example/</link>
  <item><title>Tide</title><link>https://herald.example/news/tide?utm_source=rss</link>
        <pubDate>Tue, 10 Jun 2025 06:00:00 +0200</pubDate></item>
  <item><title>Relative</title><link>/news/relative</link></item>
  <item><title>No link</title><description>nothing to fetch</description></item>
</channel></rss>"""

# A DOCTYPE whose entities expand to a billion 'lol's: parsers must not expand them.
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def rss(server, paths: list[str]) -> str:
    """An RSS feed listing `paths` on `server`, each titled by its path."""
    items = "".join(f"<item><title>{path}</title><link>{server.url('/' + path)}</link></item>" for path in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def sitemap(server, lastmods: dict[str, datetime]) -> str:
    """A sitemap of the paths on `server`, each with its <lastmod>."""
    urls = "".join(
        f"<url><loc>{server.url('/' + path)}</loc><lastmod>{lastmod.isoformat()}</lastmod></url>"
        for path, lastmod in lastmods.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def add_news_site(server: LocalServer) -> None:
    """A news site as `sources add` meets them: feeds announced in the head (one broken, one
    missing), a WordPress-style /feed redirecting to /feed/, /rss redirecting to the head's feed,
    a sitemap index at /sitemap.xml, and robots.txt listing a news sitemap and a sitemap it
    does not let us read."""
    base = server.base_url
    server.add(
        "/",
        """<!doctype html><html><head><title>Herald</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Herald news" href="/news/rss.xml">
<link rel="alternate" type="application/rss+xml" title="Old feed" href="/old.xml">
<link rel="alternate" type="application/atom+xml" title="Comments" href="comments.atom">
</head><body><p>Today's news.</p></body></html>""",
    )
    server.add(
        "/news/rss.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title>
<item><link>{base}/news/tide</link><pubDate>Tue, 10 Jun 2025 06:00:00 +0000</pubDate></item>
<item><link>{base}/news/gulls</link><pubDate>Wed, 11 Jun 2025 06:00:00 +0000</pubDate></item>
</channel></rss>""",
        "application/rss+xml",
    )
    # XML, but neither a feed nor a sitemap: must be dropped.
    server.add("/old.xml", "<?xml version='1.0'?><html><body>moved</body></html>", "application/xml")
    server.add("/feed", "", status=301, headers={"Location": "/feed/"})
    server.add("/rss", "", status=301, headers={"Location": "/news/rss.xml"})
    server.add(
        "/feed/",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Everything</title>
<item><link>{base}/news/tide</link></item></channel></rss>""",
        "application/rss+xml",
    )
    server.add(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemaps/news.xml\n"
        f"Sitemap: {base}/private/sitemap.xml\n",
        "text/plain",
    )
    server.add(
        "/sitemaps/news.xml",
        f"""<?xml version="1.0"?><urlset {SITEMAP_NS} {NEWS_NS}>
<url><loc>{base}/news/tide</loc><news:news><news:publication_date>2025-06-10T06:00:00Z</news:publication_date></news:news></url>
<url><loc>{base}/news/gulls</loc><news:news><news:publication_date>2025-06-11T07:30:00Z</news:publication_date></news:news></url>
</urlset>""",
        "application/xml",
    )
    server.add(
        "/sitemap.xml",
        f"""<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>
<sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap><sitemap><loc>{base}/sitemaps/2025-06.xml</loc></sitemap>
</sitemapindex>""",
        "application/xml",
    )
    server.add("/private/sitemap.xml", f"<?xml version='1.0'?><urlset {SITEMAP_NS}></urlset>", "application/xml")

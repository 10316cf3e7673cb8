"""The demo site's pages: each publisher's article page in its own markup, as real sites differ
(demo/harbour_herald.py, demo/vale_courier.py, demo/northgate_observer.py), the front pages,
the site's home page and the page behind robots.txt's Disallow.

The chaff among an article's paragraphs (chaff.in_body_chaff) is rendered by each site's module
in its own markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from winnow.demo import harbour_herald, northgate_observer, vale_courier
from winnow.demo.chaff import Box, attr, text
from winnow.demo.corpus import BASE_URL, Publisher, Story

TEMPLATES: dict[str, Callable[[Story, Sequence[Story], Sequence[Box]], str]] = {
    "harbour-herald": harbour_herald.article_page,
    "vale-courier": vale_courier.article_page,
    "northgate-observer": northgate_observer.article_page,
}


def render_article(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
    """The full HTML page of `story`, linking to `related` stories of the same site, with the
    chaff `boxes` (chaff.in_body_chaff) among its paragraphs."""
    return TEMPLATES[story.publisher.key](story, related, boxes)


def render_front_page(publisher: Publisher, stories: Sequence[Story]) -> str:
    """A publisher's index.html: its stories, newest first."""
    items = "\n".join(
        f'  <li><a href="{attr(s.url)}">{text(s.title)}</a>'
        f' <time datetime="{s.date.isoformat()}">{s.date:%Y-%m-%d}</time>'
        f"<p>{text(s.standfirst)}</p></li>"
        for s in sorted(stories, key=lambda s: s.date, reverse=True)
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{text(publisher.name)}</title>
<link rel="canonical" href="{publisher.home}">
<meta property="og:site_name" content="{attr(publisher.name)}">
</head>
<body>
<h1>{text(publisher.name)}</h1>
<p>{text(publisher.tagline)}</p>
<ul class="front-list">
{items}
</ul>
</body>
</html>
"""


def render_home(publishers: Sequence[Publisher], discovery: dict[str, list[str]]) -> str:
    """The site root's index.html: the publishers and their discovery files."""
    rows = "\n".join(
        f'  <li><a href="{p.home}">{text(p.name)}</a>: '
        + ", ".join(f'<a href="{BASE_URL}/{p.key}/{name}">{name}</a>' for name in discovery[p.key])
        + "</li>"
        for p in publishers
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>winnow demo corpus</title></head>
<body>
<h1>winnow demo corpus</h1>
<p>Three fictional local news sites, written for winnow's demo. See <a href="{BASE_URL}/robots.txt">robots.txt</a>.</p>
<ul>
{rows}
</ul>
</body>
</html>
"""


def render_private_page(title: str, url: str) -> str:
    """The page behind robots.txt's Disallow: it exists, but a polite crawler never fetches it."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex, nofollow">
<title>{text(title)}</title>
<link rel="canonical" href="{attr(url)}">
</head>
<body>
<h1>{text(title)}</h1>
<p>Internal draft for the Harbour Herald newsdesk. Embargoed: not for publication.</p>
</body>
</html>
"""

"""What a demo article page says about itself in its <head>: the meta tags the three sites
share, and a schema.org NewsArticle in JSON-LD."""

from __future__ import annotations

import json

from winnow.demo.chaff import attr
from winnow.demo.corpus import Story


def head_meta(story: Story, *, published_meta: bool, author_meta: bool) -> str:
    """The <head> tags all three sites share: canonical, Open Graph, optional article tags."""
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{attr(story.standfirst)}">',
        f'<link rel="canonical" href="{attr(story.url)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{attr(story.publisher.name)}">',
        f'<meta property="og:title" content="{attr(story.title)}">',
        f'<meta property="og:description" content="{attr(story.standfirst)}">',
        f'<meta property="og:image" content="{attr(story.image)}">',
        f'<meta property="og:url" content="{attr(story.url)}">',
        '<meta name="twitter:card" content="summary_large_image">',
    ]
    if published_meta:
        lines.append(f'<meta property="article:published_time" content="{story.date.isoformat()}">')
        lines.append(f'<meta property="article:section" content="{attr(story.section)}">')
    if author_meta:
        lines.append(f'<meta name="author" content="{attr(story.author)}">')
    return "\n".join(lines)


def json_ld(story: Story) -> str:
    """A schema.org NewsArticle <script>, safe to embed in HTML."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.standfirst,
        "datePublished": story.date.isoformat(),
        "dateModified": story.date.isoformat(),
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": story.publisher.name},
        "image": [story.image],
        "articleSection": story.section,
        "inLanguage": "en",
        "mainEntityOfPage": {"@type": "WebPage", "@id": story.url},
    }
    payload = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{payload}\n</script>'

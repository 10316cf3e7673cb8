"""The chaff every demo page carries around its article, in each publisher's own markup.

The wording is shared on purpose (it is what real newsletter boxes and donation appeals
say, and what an extractor must learn to drop); the tags and class names differ per site.
"""

from __future__ import annotations

from html import escape

from demo.corpus import Publisher, Story

COOKIE_TEXT = ("We use cookies to keep this site working, to remember your preferences and"
               " to measure how our journalism is read. You can change your choice at any time.")
NEWSLETTER_HEADING = "Sign up for our free weekly newsletter"
NEWSLETTER_PITCH = ("The week's most important stories, hand-picked by our editors and delivered"
                    " to your inbox every Friday morning. No spam, and you can unsubscribe at"
                    " any time.")
NEWSLETTER_SMALL_PRINT = "Subscribers agree to the Privacy Policy and Terms of Use."


def text(value: str) -> str:
    """`value` escaped for an element's content."""
    return escape(value, quote=False)


def attr(value: str) -> str:
    """`value` escaped for a double-quoted attribute."""
    return escape(value)


def slugify(name: str) -> str:
    return "-".join(name.lower().split())


def donation_lines(publisher: Publisher) -> list[str]:
    """The appeal's paragraphs, as HTML fragments (sites wrap each in their own tag)."""
    return [
        f"<strong>A message from {publisher.name}</strong>",
        "Dear readers, local news costs money to produce, and we have chosen to keep every"
        " story free to read. We have no billionaire owner and no paywall; our reporters"
        " answer only to you.",
        "Your support, no matter how small, keeps a reporter at the council meeting, the"
        " courtroom and the picket line. It takes less than a minute.",
        '<a class="give" href="#give-once">Once</a>'
        ' <a class="give" href="#give-monthly">Monthly</a>'
        ' <a class="give" href="#give-annual">Annual</a>',
        '<a class="give-continue" href="#give">Continue</a>',
        'Not ready to support today? <a href="#remind">Remind me later</a>.',
    ]


def share_links(story: Story) -> list[str]:
    """Share buttons as <a>/<button> fragments."""
    return [
        f'<a href="https://x.com/intent/post?url={attr(story.url)}" rel="nofollow">Share on X</a>',
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={attr(story.url)}"'
        ' rel="nofollow">Facebook</a>',
        f'<button type="button" data-copy="{attr(story.url)}">Copy link</button>',
    ]


def newsletter_form(button: str) -> str:
    """The e-mail form inside a newsletter box."""
    return ('<form action="/newsletter/subscribe" method="post">'
            '<label>Email address <input type="email" name="email"'
            ' placeholder="you@example.com" required></label>'
            f' <button type="submit">{button}</button></form>')


def with_box(paragraphs: list[str], box: str) -> str:
    """Paragraph HTML with `box` (the newsletter sign-up) inserted halfway down."""
    blocks = list(paragraphs)
    blocks.insert(len(blocks) // 2, box)
    return "\n".join(blocks)


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
        lines.append(f'<meta property="article:published_time"'
                     f' content="{story.date.isoformat()}">')
        lines.append(f'<meta property="article:section" content="{attr(story.section)}">')
    if author_meta:
        lines.append(f'<meta name="author" content="{attr(story.author)}">')
    return "\n".join(lines)

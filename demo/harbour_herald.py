"""The Harbour Herald's article page: an <article> holding header, share bar, photo, body <div>,
a donation <aside> and a "Read more" list; JSON-LD and article:published_time.
"""

from __future__ import annotations

from collections.abc import Sequence

from winnow.demo.chaff import COOKIE_TEXT, Box, attr, donation_lines, place_boxes, share_links, slugify, text
from winnow.demo.corpus import BASE_URL, Story
from winnow.demo.page_head import head_meta, json_ld


def _box(box: Box) -> str:
    """A chaff block in the Herald's body markup."""
    lines = box.lines
    if box.kind == "newsletter":
        return f"""    <aside class="hh-newsletter">
      <h2>{lines[0]}</h2>
      <p>{lines[1]}</p>
      {lines[2]}
      <p class="hh-small">{lines[3]}</p>
    </aside>"""
    if box.kind == "related":  # an inline "Read more:" line
        return f'    <p class="hh-readmore">{lines[0]}</p>'
    if box.kind == "app":  # a bare <p>: nothing marks it
        return f"    <p>{lines[0]}</p>"
    if box.kind == "share":
        return f"""    <div class="hh-follow">
      <p>{lines[0]}</p>
    </div>"""
    if box.kind == "paywall":
        return f"""    <div class="hh-promo hh-promo--members">
      <h3>{lines[0]}</h3>
      <p>{lines[1]}</p>
      <p class="hh-promo__cta">{lines[2]}</p>
      <p class="hh-promo__login">{lines[3]}</p>
    </div>"""
    if box.kind == "cookie":  # what stands in for an Instagram post until cookies are accepted
        return f"""    <div class="hh-thirdparty" data-provider="instagram">
      <p>{lines[0]}</p>
      <p>{lines[1]}</p>
    </div>"""
    if box.kind == "other":
        return f'    <p class="hh-tipoff"><em>{lines[0]}</em></p>'
    raise ValueError(f"the Herald has no markup for {box.kind!r} chaff")


def article_page(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
    """The full HTML page of `story`, linking to `related` stories, with the chaff `boxes` among its paragraphs."""
    home = story.publisher.home
    d = story.date
    sections = ["Port", "Coast", "Politics", "Business", "Community", "Opinion"]
    nav = "\n".join(f'      <li><a href="/harbour-herald/{s.lower()}/">{s}</a></li>' for s in sections)
    figure = (
        ""
        if not story.caption
        else f"""
  <figure class="hh-figure">
    <img src="{attr(story.image)}" alt="{attr(story.caption)}" width="1200" height="675">
    <figcaption>{text(story.caption)} <span class="hh-credit">Photograph: Herald staff</span></figcaption>
  </figure>"""
    )
    body = place_boxes([f"    <p>{text(p)}</p>" for p in story.paragraphs], [(box.after, _box(box)) for box in boxes])
    appeal = "\n".join(f"    <p>{line}</p>" for line in donation_lines(story.publisher))
    share = "\n".join(f"    <li>{link}</li>" for link in share_links(story))
    more = "\n".join(f'      <li><a href="{attr(r.url)}">{text(r.title)}</a></li>' for r in related)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{text(story.title)} | The Harbour Herald</title>
{head_meta(story, published_meta=True, author_meta=False)}
<link rel="alternate" type="application/rss+xml" title="The Harbour Herald" href="{BASE_URL}/harbour-herald/feed.xml">
<link rel="stylesheet" href="/harbour-herald/static/herald.css">
{json_ld(story)}
</head>
<body class="hh-body">
<div id="cookie-consent" class="hh-cookie" role="dialog" aria-label="Cookie consent">
  <p>{COOKIE_TEXT} <a href="/harbour-herald/cookies/">Read our cookie policy</a>.</p>
  <button type="button">Accept all cookies</button> <button type="button">Manage preferences</button>
</div>
<header class="hh-masthead">
  <a class="hh-logo" href="{home}">The Harbour Herald</a>
  <p class="hh-tagline">{text(story.publisher.tagline)}</p>
  <nav class="hh-nav" aria-label="Sections">
    <ul>
      <li><a href="{home}">Home</a></li>
{nav}
    </ul>
  </nav>
  <a class="hh-subscribe" href="/harbour-herald/subscribe/">Subscribe</a>
</header>
<article class="hh-article">
  <header class="hh-article__head">
    <p class="hh-kicker"><a href="/harbour-herald/{story.section.lower()}/">{text(story.section)}</a></p>
    <h1 class="hh-headline">{text(story.title)}</h1>
    <p class="hh-standfirst">{text(story.standfirst)}</p>
    <p class="hh-byline">By <a rel="author" href="/harbour-herald/authors/{slugify(story.author)}/">{text(story.author)}</a>
      <span class="hh-sep">|</span> <time datetime="{d.isoformat()}">{d:%A} {d.day} {d:%B %Y}, {d:%H.%M}</time></p>
  </header>
  <ul class="hh-share" aria-label="Share this article">
{share}
  </ul>{figure}
  <div class="hh-article__body">
{body}
  </div>
  <aside class="hh-appeal">
{appeal}
  </aside>
  <section class="hh-related">
    <h2>Read more</h2>
    <ul>
{more}
    </ul>
  </section>
</article>
<footer class="hh-footer">
  <ul>
    <li><a href="/harbour-herald/about/">About us</a></li>
    <li><a href="/harbour-herald/contact/">Contact the newsroom</a></li>
    <li><a href="/harbour-herald/privacy/">Privacy Policy</a></li>
    <li><a href="/harbour-herald/terms/">Terms of Use</a></li>
    <li><a href="{BASE_URL}/harbour-herald/feed.xml">RSS</a></li>
  </ul>
  <p>&copy; 2026 Harbour Herald Media Ltd, 14 Quay Row, Port Aldwick. All rights reserved.</p>
</footer>
<script src="/harbour-herald/static/analytics.js" async></script>
</body>
</html>
"""

"""The Northgate Observer's article page: a <main> made of <section>s; article:published_time and
<meta name="author">, no JSON-LD.
"""

from __future__ import annotations

from collections.abc import Sequence

from winnow.demo.chaff import COOKIE_TEXT, Box, attr, donation_lines, place_boxes, share_links, text
from winnow.demo.corpus import Story
from winnow.demo.page_head import head_meta


def _box(box: Box) -> str:
    """A chaff block in the Observer's body markup."""
    lines = box.lines
    if box.kind == "newsletter":
        return f"""    <section class="inline-newsletter" aria-label="Newsletter">
      <h3>{lines[0]}</h3>
      <p>{lines[1]}</p>
      {lines[2]}
      <p class="fine-print">{lines[3]}</p>
    </section>"""
    if box.kind == "related":  # "Related: <headline>" lines
        items = "\n".join(f"      <p>{line}</p>" for line in lines)
        return f"""    <div class="inline-module also-read">
{items}
    </div>"""
    if box.kind == "share":  # the same <p class="paragraph"> as the story's own paragraphs
        return f'    <p class="paragraph">{lines[0]}</p>'
    if box.kind == "paywall":
        return f"""    <div class="regwall-inline" id="reg-prompt">
      <h4>{lines[0]}</h4>
      <p>{lines[1]}</p>
      <p class="regwall-inline__cta">{lines[2]}</p>
      <p class="regwall-inline__signin">{lines[3]}</p>
    </div>"""
    if box.kind == "app":
        return f"""    <div class="app-promo">
      <p>{lines[0]}</p>
    </div>"""
    if box.kind == "cookie":  # what stands in for a YouTube video until cookies are allowed
        return f"""    <div class="media-placeholder" data-src="youtube">
      <p>{lines[0]}</p>
      <p>{lines[1]}</p>
    </div>"""
    if box.kind == "other":
        return f"""    <div class="mid-article-slot">
      <p class="slot-label">{lines[0]}</p>
    </div>"""
    raise ValueError(f"the Observer has no markup for {box.kind!r} chaff")


def article_page(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
    """The full HTML page of `story`, linking to `related` stories, with the chaff `boxes` among its paragraphs."""
    home = story.publisher.home
    d = story.date
    nav = "\n".join(
        f'    <a href="/northgate-observer/{s}/">{s.title()}</a>'
        for s in ["politics", "business", "city", "health", "sport"]
    )
    hour = d.hour % 12 or 12
    meridiem = "a.m." if d.hour < 12 else "p.m."
    media = (
        ""
        if not story.caption
        else f"""
  <section class="lead-media">
    <figure>
      <picture><img src="{attr(story.image)}" alt="{attr(story.caption)}"></picture>
      <figcaption><span class="caption-text">{text(story.caption)}</span> <span class="credit">Observer photo</span></figcaption>
    </figure>
  </section>"""
    )
    body = place_boxes(
        [f'    <p class="paragraph">{text(p)}</p>' for p in story.paragraphs],
        [(box.after, _box(box)) for box in boxes],
    )
    appeal = "\n".join(f"      <p>{line}</p>" for line in donation_lines(story.publisher))
    share = "\n".join(f"    {link}" for link in share_links(story))
    more = "\n".join(f'      <li><a href="{attr(r.url)}">{text(r.title)}</a></li>' for r in related)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{text(story.title)} - The Northgate Observer</title>
{head_meta(story, published_meta=True, author_meta=True)}
<link rel="stylesheet" href="/northgate-observer/css/main.css">
</head>
<body>
<div class="consent-bar" role="region" aria-label="Cookies">
  <p>{COOKIE_TEXT}</p>
  <button class="consent-accept">Accept</button> <button class="consent-reject">Reject non-essential</button>
</div>
<header id="site-header">
  <a class="wordmark" href="{home}">The Northgate Observer</a>
  <nav aria-label="Sections">
{nav}
  </nav>
  <a class="donate-link" href="/northgate-observer/support/">Support local news</a>
</header>
<main id="content">
  <section class="headline-block">
    <a class="section-label" href="/northgate-observer/{story.section}/">{text(story.section.title())}</a>
    <h1>{text(story.title)}</h1>
    <p class="dek">{text(story.standfirst)}</p>
    <div class="byline-row">
      <span class="by">By <span class="author-name">{text(story.author)}</span></span>
      <span class="timestamp">Published {d:%b}. {d.day}, {d.year} at {hour}:{d:%M} {meridiem}</span>
    </div>
  </section>
  <section class="social-tools">
{share}
  </section>{media}
  <section class="article-text">
{body}
  </section>
  <section class="support-us">
    <div class="support-us__inner">
{appeal}
    </div>
  </section>
  <section class="more-stories">
    <h2>Related</h2>
    <ul>
{more}
    </ul>
  </section>
</main>
<footer class="site-footer">
  <nav aria-label="Footer">
    <a href="/northgate-observer/about/">About</a> <a href="/northgate-observer/ethics/">Ethics policy</a>
    <a href="/northgate-observer/privacy/">Privacy Policy</a> <a href="/northgate-observer/careers/">Careers</a>
  </nav>
  <p>The Northgate Observer is a nonprofit newsroom. &copy; 2026</p>
</footer>
</body>
</html>
"""

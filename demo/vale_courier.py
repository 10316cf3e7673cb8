"""The Vale Courier's article page: nested <div>s and no <article>; the donation appeal is plain
<p> elements at the end of div.story-body (the hard case); the date is only in JSON-LD.
"""

from __future__ import annotations

from collections.abc import Sequence

from winnow.demo.chaff import COOKIE_TEXT, Box, attr, place_boxes, share_links, slugify, text
from winnow.demo.corpus import BASE_URL, Story
from winnow.demo.page_head import head_meta, json_ld


def _box(box: Box) -> str:
    """A chaff block in the Courier's body markup."""
    lines = box.lines
    if box.kind == "newsletter":
        return f"""          <div class="vc-signup">
            <div class="vc-signup__title">{lines[0]}</div>
            <p>{lines[1]}</p>
            {lines[2]}
            <p>{lines[3]}</p>
          </div>"""
    if box.kind == "donation":
        # The appeal sits in the same container as the story, as bare <p>s: nothing marks it.
        return "\n".join(f"          <p>{line}</p>" for line in lines)
    raise ValueError(f"the Courier has no markup for {box.kind!r} chaff")


def article_page(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
    """The full HTML page of `story`, linking to `related` stories, with the chaff `boxes` among its paragraphs."""
    home = story.publisher.home
    d = story.date
    menu = " ".join(
        f'<a href="/vale-courier/{slugify(s)}/">{s}</a>'
        for s in ["News", "Courts", "Health", "Education", "Sport", "Food and drink"]
    )
    image = (
        ""
        if not story.caption
        else f"""
        <div class="story-image">
          <img src="{attr(story.image)}" alt="" loading="lazy">
          <span class="story-image__caption">{text(story.caption)}</span>
        </div>"""
    )
    body = place_boxes(
        [f"          <p>{text(p)}</p>" for p in story.paragraphs], [(box.after, _box(box)) for box in boxes]
    )
    share = " ".join(f'<span class="vc-share__item">{link}</span>' for link in share_links(story))
    more = "\n".join(f'            <li><a href="{attr(r.url)}">{text(r.title)}</a></li>' for r in related)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{text(story.title)} - The Vale Courier</title>
{head_meta(story, published_meta=False, author_meta=False)}
<link rel="alternate" type="application/atom+xml" title="The Vale Courier" href="{BASE_URL}/vale-courier/atom.xml">
<link rel="stylesheet" href="/vale-courier/assets/courier.css">
{json_ld(story)}
</head>
<body>
<div class="vc-consent" id="consent-banner">
  <span>{COOKIE_TEXT}</span>
  <a href="#" class="vc-consent__ok">OK</a> <a href="/vale-courier/cookies/" class="vc-consent__more">Cookie settings</a>
</div>
<div class="vc-topbar">{d.day:02d}.{d.month:02d}.{d.year} &middot; <a href="/vale-courier/subscribe/">Subscribe</a> &middot; <a href="/vale-courier/login/">Log in</a></div>
<div class="vc-header">
  <div class="vc-brand"><a href="{home}">The Vale Courier</a><div class="vc-brand__sub">{text(story.publisher.tagline)}</div></div>
  <div class="vc-menu">{menu}</div>
</div>
<div class="vc-page">
  <div class="vc-col-main">
    <div class="story">
      <div class="story-kicker">{text(story.section)}</div>
      <h1 class="story-title">{text(story.title)}</h1>
      <div class="story-summary">{text(story.standfirst)}</div>
      <div class="story-meta">
        <span class="story-author">By {text(story.author)}</span>
        <span class="story-date">{d.day:02d}.{d.month:02d}.{d.year} {d:%H:%M}</span>
      </div>
      <div class="vc-share">{share}</div>{image}
      <div class="story-body">
        <div class="story-body__inner">
{body}
        </div>
      </div>
      <div class="vc-tags">Topics: <a href="/vale-courier/{slugify(story.section)}/">{text(story.section)}</a></div>
      <div class="vc-more">
        <h3>More from the Courier</h3>
        <ul>
{more}
        </ul>
      </div>
    </div>
  </div>
  <div class="vc-sidebar">
    <div class="vc-ad">Advertisement</div>
    <div class="vc-weather">Millhaven: 9&deg;C, showers</div>
  </div>
</div>
<div class="vc-footer">
  <a href="/vale-courier/about/">About the Courier</a> | <a href="/vale-courier/privacy/">Privacy</a> |
  <a href="/vale-courier/advertise/">Advertise</a> | <a href="{BASE_URL}/vale-courier/atom.xml">Atom feed</a>
  <div>&copy; 2026 Vale Courier Cooperative. Printed in Brackenford since 1887.</div>
</div>
</body>
</html>
"""

"""Page templates of the three demo publishers, each with its own markup, as real sites differ.

- The Harbour Herald: an <article> holding header, share bar, photo, body <div>, a
  donation <aside> and a "Read more" list; JSON-LD and article:published_time.
- The Vale Courier: nested <div>s and no <article>; the donation appeal is plain <p>
  elements at the end of div.story-body (the hard case); the date is only in JSON-LD.
- The Northgate Observer: a <main> made of <section>s; article:published_time and
  <meta name="author">, no JSON-LD.

The chaff among the paragraphs (chaff.in_body_chaff) is rendered here, per site and kind:
each `_<site>_box` function turns a chaff.Box's lines into that site's markup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from winnow.demo.chaff import COOKIE_TEXT, Box, attr, donation_lines, head_meta, place_boxes, share_links, slugify, text
from winnow.demo.corpus import BASE_URL, Publisher, Story


def render_article(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
    """The full HTML page of `story`, linking to `related` stories of the same site, with the
    chaff `boxes` (chaff.in_body_chaff) among its paragraphs."""
    return TEMPLATES[story.publisher.key](story, related, boxes)


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


def _herald_box(box: Box) -> str:
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


def _harbour_herald(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
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
    body = place_boxes(
        [f"    <p>{text(p)}</p>" for p in story.paragraphs], [(box.after, _herald_box(box)) for box in boxes]
    )
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


def _courier_box(box: Box) -> str:
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


def _vale_courier(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
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
        [f"          <p>{text(p)}</p>" for p in story.paragraphs], [(box.after, _courier_box(box)) for box in boxes]
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


def _observer_box(box: Box) -> str:
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


def _northgate_observer(story: Story, related: Sequence[Story], boxes: Sequence[Box]) -> str:
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
        [(box.after, _observer_box(box)) for box in boxes],
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


TEMPLATES: dict[str, Callable[[Story, Sequence[Story], Sequence[Box]], str]] = {
    "harbour-herald": _harbour_herald,
    "vale-courier": _vale_courier,
    "northgate-observer": _northgate_observer,
}


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

"""The chaff every demo page carries around and inside its article.

The wording of the recurring boxes is shared on purpose (it is what real newsletter boxes
and donation appeals say, and what an extractor must learn to drop); the tags and class
names differ per site and live in each site's layout (demo/harbour_herald.py and its two
siblings).

`in_body_chaff(story, siblings)` says which chaff blocks sit among a story's paragraphs
(kind, lines as inline HTML, and where): the layouts render them in each publisher's own
markup, and build_site.py lists their text in ground-truth.json. The choice per story is
deterministic: it rotates over the story's position among its publisher's stories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape, unescape

from winnow.demo.corpus import Publisher, Story

# The kinds of chaff a ground-truth entry may name.
KINDS = ("newsletter", "donation", "paywall", "related", "share", "cookie", "app", "other")
_TAG = re.compile(r"<[^>]*>")

COOKIE_TEXT = (
    "We use cookies to keep this site working, to remember your preferences and"
    " to measure how our journalism is read. You can change your choice at any time."
)
NEWSLETTER_HEADING = "Sign up for our free weekly newsletter"
NEWSLETTER_PITCH = (
    "The week's most important stories, hand-picked by our editors and delivered"
    " to your inbox every Friday morning. No spam, and you can unsubscribe at"
    " any time."
)
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
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={attr(story.url)}" rel="nofollow">Facebook</a>',
        f'<button type="button" data-copy="{attr(story.url)}">Copy link</button>',
    ]


def newsletter_form(button: str) -> str:
    """The e-mail form inside a newsletter box."""
    return (
        '<form action="/newsletter/subscribe" method="post">'
        '<label>Email address <input type="email" name="email"'
        ' placeholder="you@example.com" required></label>'
        f' <button type="submit">{button}</button></form>'
    )


def visible_text(fragment: str) -> str:
    """The text a reader (or an extractor) sees in an inline HTML fragment, spaces collapsed."""
    return " ".join(unescape(_TAG.sub("", fragment)).split())


@dataclass(frozen=True)
class Box:
    """One chaff block among an article's paragraphs.

    `lines` are inline HTML fragments, one per paragraph, heading, list item or form that the
    site renders (each layout knows, per kind, which line is a heading or a list item).
    `after` is how many of the article's paragraphs come before the block.
    """

    kind: str  # one of KINDS
    lines: tuple[str, ...]
    after: int

    @property
    def texts(self) -> list[str]:
        """Each line's visible text: the block as ground-truth.json lists it."""
        return [visible_text(line) for line in self.lines]


def place_boxes(paragraphs: Sequence[str], boxes: Sequence[tuple[int, str]]) -> str:
    """Paragraph HTML with each rendered box (`after`, html) put after its `after` paragraphs;
    boxes at the same place keep their order."""
    blocks: list[str] = []
    for position in range(len(paragraphs) + 1):
        blocks += [html for after, html in boxes if after == position]
        if position < len(paragraphs):
            blocks.append(paragraphs[position])
    return "\n".join(blocks)


def newsletter_box(story: Story, button: str) -> Box:
    """The newsletter sign-up every site puts halfway down the body."""
    return Box(
        "newsletter",
        (NEWSLETTER_HEADING, NEWSLETTER_PITCH, newsletter_form(button), NEWSLETTER_SMALL_PRINT),
        len(story.paragraphs) // 2,
    )


def in_body_chaff(story: Story, siblings: Sequence[Story]) -> tuple[Box, ...]:
    """Every chaff block among `story`'s paragraphs, in page order.

    `siblings` are its publisher's stories (oldest first, `story` among them): the story's
    position picks which kinds it carries, and "read more" links point at other siblings.
    """
    index = siblings.index(story)
    boxes = _PLANS[story.publisher.key](story, siblings, index)
    return tuple(sorted(boxes, key=lambda box: box.after))  # stable: same place, same order


def _rotation(pool: Sequence[str], index: int) -> list[str]:
    """Two or three kinds of `pool` for the story at `index`: every kind comes round."""
    kinds = [pool[index % len(pool)], pool[(index + 1) % len(pool)]]
    if index % 3:
        kinds.append(pool[(index + 3) % len(pool)])
    return kinds


def _link(story: Story) -> str:
    return f'<a href="{attr(story.url)}">{text(story.title)}</a>'


def _other(siblings: Sequence[Story], index: int, step: int) -> Story:
    return siblings[(index + step) % len(siblings)]


# The Herald's in-body chaff besides the newsletter box, by kind: its lines, and where it goes
# (after how many of `n` paragraphs). "related" is built per story: a "Read more:" line.
HERALD_CHAFF: dict[str, tuple[tuple[str, ...], Callable[[int], int]]] = {
    "app": (
        (  # rendered as a bare <p>
            "Get breaking news from Port Aldwick and the estuary as it happens: download the free"
            ' Harbour Herald app for <a href="https://apps.apple.com/app/id0000000000">iPhone</a> or'
            ' <a href="https://play.google.com/store/apps/details?id=example.herald">Android</a> and'
            " turn on notifications.",
        ),
        lambda n: n,
    ),
    "share": (
        (
            'Follow the Harbour Herald on <a href="https://www.facebook.com/">Facebook</a> and'
            ' <a href="https://www.instagram.com/">Instagram</a>, or join our'
            ' <a href="https://www.whatsapp.com/channel/">WhatsApp channel</a> for the day\'s top'
            " stories from the port and the coast.",
        ),
        lambda n: n,
    ),
    "paywall": (
        (
            "Become a Herald member",
            "Members read the Herald without adverts, get the Saturday print edition delivered to"
            " their door and keep a reporter on the quayside. Membership starts at £4 a month, and"
            " you can cancel at any time.",
            '<a href="/harbour-herald/members/join/">Join today</a>',
            'Already a member? <a href="/harbour-herald/login/">Log in</a> to hide this message.',
        ),
        lambda n: n - 2,
    ),
    "cookie": (
        (  # what stands in for an Instagram post
            "This post from Instagram is not shown because you have not accepted social media"
            " cookies. Instagram may set cookies and track your activity once the post is loaded.",
            'You can change this at any time in your <a href="/harbour-herald/cookies/">cookie settings</a>.',
        ),
        lambda n: n // 2 + 1,
    ),
    "other": (
        (  # the newsdesk's call for tips
            "Got a story? Call the Herald newsdesk on 01632 960418 or email"
            ' <a href="mailto:news@harbour-herald.example">news@harbour-herald.example</a>.',
        ),
        lambda n: n,
    ),
}
HERALD_KINDS = ("related", "app", "share", "paywall", "cookie", "other")  # rotation order


def _herald_plan(story: Story, siblings: Sequence[Story], index: int) -> list[Box]:
    n = len(story.paragraphs)
    chaff = dict(HERALD_CHAFF)
    chaff["related"] = ((f"<strong>Read more:</strong> {_link(_other(siblings, index, 5))}",), lambda n: 2)
    return [newsletter_box(story, "Sign up")] + [
        Box(kind, chaff[kind][0], chaff[kind][1](n)) for kind in _rotation(HERALD_KINDS, index)
    ]


def _courier_plan(story: Story, siblings: Sequence[Story], index: int) -> list[Box]:
    """The Courier's body holds the same two boxes on every page: the repetition to learn from."""
    return [
        newsletter_box(story, "Subscribe"),
        Box("donation", tuple(donation_lines(story.publisher)), len(story.paragraphs)),
    ]


# The Observer's, likewise. "related" is built per story: two "Related:" lines.
OBSERVER_CHAFF: dict[str, tuple[tuple[str, ...], Callable[[int], int]]] = {
    "share": (
        (  # rendered as one more p.paragraph, like the story's own
            "If you found this story useful, please share it with a friend. You can also follow"
            ' The Northgate Observer on <a href="https://www.instagram.com/">Instagram</a>,'
            ' <a href="https://www.threads.net/">Threads</a> and'
            ' <a href="https://bsky.app/">Bluesky</a>.',
        ),
        lambda n: n,
    ),
    "paywall": (
        (  # a free registration wall
            "Keep reading for free",
            "Create a free Northgate Observer account to keep reading. It takes less than a minute,"
            " and you can save stories to read later on any device.",
            '<a href="/northgate-observer/register/">Create a free account</a>',
            'Already have an account? <a href="/northgate-observer/login/">Sign in</a>',
        ),
        lambda n: n - 2,
    ),
    "app": (
        (
            "<strong>Get the Observer app.</strong> Breaking news alerts, the morning briefing and"
            " the daily crossword, free on iPhone and Android."
            ' <a href="/northgate-observer/app/">Download it now</a>.',
        ),
        lambda n: n,
    ),
    "cookie": (
        (  # what stands in for a YouTube video
            "This video is hosted by YouTube, which may set cookies on your device.",
            "To watch it here, allow functional cookies in your"
            ' <a href="/northgate-observer/privacy/#settings">privacy settings</a>, or'
            ' <a href="https://www.youtube.com/">watch it on YouTube</a>.',
        ),
        lambda n: n // 2 + 1,
    ),
    "other": (("Story continues below advertisement",), lambda n: 1),  # an ad slot's label
}
OBSERVER_KINDS = ("related", "share", "paywall", "app", "cookie", "other")  # rotation order


def _observer_plan(story: Story, siblings: Sequence[Story], index: int) -> list[Box]:
    n = len(story.paragraphs)
    chaff = dict(OBSERVER_CHAFF)
    chaff["related"] = (
        tuple(f"<strong>Related:</strong> {_link(_other(siblings, index, step))}" for step in (4, 5)),
        lambda n: 2,
    )
    return [newsletter_box(story, "Sign me up")] + [
        Box(kind, chaff[kind][0], chaff[kind][1](n)) for kind in _rotation(OBSERVER_KINDS, index)
    ]


_PLANS = {"harbour-herald": _herald_plan, "vale-courier": _courier_plan, "northgate-observer": _observer_plan}

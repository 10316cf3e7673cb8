"""Chaff removal on HTML pages in several layouts: markup evidence, wording, rules, precision."""

from __future__ import annotations

import re

import pytest
import trafilatura

from tests.support.pages import extracted, paragraphs
from winnow.schemas.config import ChaffRules
from winnow.schemas.records import Article

GRAIN = [
    "The regional water board approved a plan on Wednesday to replace the oldest mains under the town centre,"
    " a project that will close parts of the high street for most of next year.",
    "Engineers told the board that the cast-iron pipes, laid in the 1890s, had burst eleven times since January,"
    " twice leaving the hospital without running water for several hours.",
    "The work will cost about 14 million pounds and will be paid for by a rise of three per cent in bills over"
    " two years, the board said, after a vote that split its members down the middle.",
    "Shopkeepers on the high street said they had not been consulted about the timing. One café owner said the"
    " closure of the street during the summer could cost her a third of her yearly takings.",
    "The board's chair said the first phase would start in February, when footfall is lowest, and that access"
    " to every shop would be kept open with temporary walkways throughout the works.",
    "A public meeting about the plan will be held at the library on the first Monday of next month, and the"
    " full timetable will be published on the board's website before then.",
]


def page(body: str, container_class: str = "article-body") -> bytes:
    """An article page whose body is `body` (HTML) inside the usual page furniture."""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Town centre water mains to be replaced</title></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>Town centre water mains to be replaced</h1>
<div class="{container_class}">{body}</div></article></main>
<footer><p>Copyright 2026 The Town Paper</p></footer></body></html>""".encode()


def kept(article: Article) -> list[str]:
    return article.text.split("\n")


def test_a_page_without_chaff_keeps_every_paragraph():
    article = extracted(page(paragraphs(GRAIN)))
    assert kept(article) == GRAIN and article.chaff == ()


# Boxes whose wording alone says nothing; plain trafilatura keeps each of them.
@pytest.mark.parametrize(
    "box, kind, rule",
    [
        (
            '<div class="signup-panel"><p>The day\'s main stories, every weekday at seven, from our newsroom to'
            " you.</p></div>",
            "newsletter",
            "markup: class or id 'signup'",
        ),
        (
            '<div class="inline-promo"><p>Get three months of the print edition for the price of one this'
            " winter.</p></div>",
            "other",
            "markup: class or id 'inlinepromo'",
        ),
        (
            '<div class="mt-3"><p>Be the first to know.</p><form action="/join"><input type="email" name="e">'
            "<button>Join</button></form></div>",
            "newsletter",
            "markup: a box with an e-mail field",
        ),
        (
            '<div id="donate-box"><p>Independent reporting costs money. Chip in what you can.</p></div>',
            "donation",
            "markup: class or id 'donate'",
        ),
        (
            '<div class="support-us"><p>Independent reporting costs money. Chip in what you can.</p></div>',
            "donation",
            "markup: class or id 'supportus'",
        ),
    ],
)
def test_a_marked_box_in_the_middle_is_removed_by_its_markup(box, kind, rule):
    html = page(paragraphs(GRAIN[:3]) + box + paragraphs(GRAIN[3:]))
    box_text = re.search(r"<p>(.*?)</p>", box)[1]
    assert box_text in trafilatura.extract(html)
    article = extracted(html)
    assert kept(article) == GRAIN
    assert article.chaff and {c.kind for c in article.chaff} == {kind}
    assert article.chaff[0].rule == rule and article.chaff[0].evidence == "detector"


@pytest.mark.parametrize(
    "lines, kind",
    [
        (["Follow us on Twitter and Facebook for the latest updates."], "share"),
        (["Subscribe now to continue reading.", "Already a subscriber? Log in"], "paywall"),
        (["We use cookies to improve your experience on our website."], "cookie"),
        (["Download our free news app for breaking news alerts."], "app"),
        (["Read more: Council approves new cycle lanes"], "related"),
        (['<strong>More:</strong> <a href="/b">Bus station to close for repairs</a>'], "related"),
        (
            ["If you enjoyed this article, we have a proposition for you: become a member and read everything."],
            "donation",
        ),
        (["(Reporting by Ann Lee and Bo Park, editing by Cy Diaz.)"], "other"),
    ],
)
def test_an_unmarked_paragraph_is_removed_by_its_wording(lines, kind):
    article = extracted(page(paragraphs(GRAIN[:3] + lines + GRAIN[3:])))
    assert kept(article) == GRAIN
    assert [c.text for c in article.chaff] == [re.sub(r"<[^>]+>", "", line) for line in lines]
    assert {c.kind for c in article.chaff} == {kind}


def test_a_related_heading_and_its_links_are_removed():
    related = (
        '<h3>Related stories</h3><p><a href="/b">Bus station to close for repairs</a></p>'
        '<p><a href="/c">Library opening hours cut again</a></p>'
    )
    article = extracted(page(paragraphs(GRAIN[:4]) + related + paragraphs(GRAIN[4:])))
    assert kept(article) == GRAIN
    assert [c.text for c in article.chaff] == [
        "Related stories",
        "Bus station to close for repairs",
        "Library opening hours cut again",
    ]
    assert {c.kind for c in article.chaff} == {"related"}


def test_the_articles_own_container_is_not_a_chaff_box():
    # Its class names a kind of chaff, but it holds the article: its marks are ignored.
    article = extracted(page(paragraphs(GRAIN), container_class="story-body has-share-tools newsletter-enabled"))
    assert kept(article) == GRAIN and article.chaff == ()


def test_an_article_about_newsletters_and_donations_keeps_its_paragraphs():
    news = [
        "The paper's owner said its email newsletters now reach 40,000 readers, and that readers who sign up for"
        " them are twice as likely to buy a subscription as those who do not.",
        "Donations to the local hospice rose by a fifth this year, its accounts show, after a campaign that asked"
        " residents to support the charity with a small monthly gift.",
    ]
    article = extracted(page(paragraphs(GRAIN[:3] + news + GRAIN[3:])))
    assert kept(article) == GRAIN[:3] + news + GRAIN[3:] and article.chaff == ()


def test_drop_selectors_remove_elements_before_extraction_and_are_recorded():
    box = '<div class="ledger-box"><p>This paragraph is the site furniture we configured away.</p></div>'
    article = extracted(
        page(paragraphs(GRAIN[:2]) + box + paragraphs(GRAIN[2:])), ChaffRules(drop_selectors=("div.ledger-box",))
    )
    assert kept(article) == GRAIN
    (dropped,) = article.chaff
    assert dropped.position < 0 and dropped.evidence == "rule" and dropped.rule == "drop selector 'div.ledger-box'"
    assert dropped.text == "This paragraph is the site furniture we configured away."


def test_an_appeal_that_ends_the_page_is_cut_to_the_end():
    appeal = [
        "A message from The Town Paper",
        "Dear readers, we have kept every story free for ten years, and"
        " we want to keep it that way. But our costs have doubled and we need your help to carry on.",
        "Once",
        "Monthly",
        "Continue",
    ]
    article = extracted(page(paragraphs(GRAIN + appeal)))
    assert kept(article) == GRAIN
    assert [c.text for c in article.chaff] == appeal and {c.kind for c in article.chaff} == {"donation"}


def test_blocks_and_text_agree():
    article = extracted(page(paragraphs(GRAIN[:3] + ["Follow us on Instagram."] + GRAIN[3:])))
    removed = {c.position for c in article.chaff}
    assert [b for i, b in enumerate(article.blocks) if i not in removed] == kept(article)
    assert article.word_count == len(re.findall(r"\w+", "\n".join(GRAIN)))


def test_a_list_of_linked_teasers_that_ends_the_page_is_removed():
    teasers = (
        "<ul>"
        + "".join(
            f'<li><a href="/{n}">{headline}</a> {teaser}</li>'
            for n, (headline, teaser) in enumerate(
                [
                    ("Bus station to close", "Repairs will take most of the spring, the council says"),
                    ("Library hours cut", "The main branch will close on Mondays from March"),
                    ("New cycle lanes approved", "Work on the ring road starts in the summer"),
                ]
            )
        )
        + "</ul>"
    )
    own_list = "<ul>" + "".join(f"<li>{item}</li>" for item in ("Phase one: February", "Phase two: June")) + "</ul>"
    article = extracted(page(paragraphs(GRAIN[:3]) + own_list + paragraphs(GRAIN[3:]) + teasers))
    assert kept(article) == GRAIN[:3] + ["- Phase one: February", "- Phase two: June"] + GRAIN[3:]
    assert [c.rule for c in article.chaff] == ["markup: a list of linked teasers ending the page"] * 3


def test_the_headline_is_dropped_below_a_web_address_and_despite_a_section_in_the_title():
    body = (
        "<p>https://paper.example/news/water-mains-2026</p><h2>Town centre water mains to be replaced</h2>"
        + paragraphs(GRAIN)
        + "<p>https://cdn.paper.example/img/mains.jpg?w=800</p>"
    )
    html = page(body).replace(
        b"<title>Town centre water mains to be replaced</title>",
        b"<title>News | Town centre water mains to be replaced</title>",
    )
    article = extracted(html)
    assert kept(article) == GRAIN
    address, image = article.chaff
    assert (address.text, address.rule) == (
        "https://paper.example/news/water-mains-2026",
        "a web address above the article",
    )
    assert image.text == "https://cdn.paper.example/img/mains.jpg?w=800" and image.rule.startswith("phrase en:other:")


def test_a_linked_headline_in_capitals_between_paragraphs_is_related_but_a_linked_product_stays():
    teaser = '<p><a href="/c">COUNCIL APPROVES NEW CYCLE LANES FOR THE RING ROAD</a></p>'
    product = '<p><a href="/shop/pump">Acme Pro Stainless Hand Pump 2000</a></p>'
    article = extracted(page(paragraphs(GRAIN[:2]) + teaser + paragraphs(GRAIN[2:4]) + product + paragraphs(GRAIN[4:])))
    assert kept(article) == GRAIN[:4] + ["Acme Pro Stainless Hand Pump 2000"] + GRAIN[4:]
    assert [(c.kind, c.rule) for c in article.chaff] == [("related", "markup: a linked headline between paragraphs")]

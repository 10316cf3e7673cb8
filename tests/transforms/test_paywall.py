"""The paywalled flag: a page that declares its article is not free, or whose text ends in a
subscription prompt, gives an article kept with `paywalled` set and the prompt removed."""

from __future__ import annotations

from tests.support.pages import extracted, paragraphs
from winnow.schemas.records import Article
from winnow.transforms.extract import extract_text

LEAD = [
    "The harbour authority has agreed to dredge the north channel next spring, ending a dispute with the"
    " fishing cooperative that had kept larger boats out of the inner basin for two seasons.",
    "Skippers said the silt had built up so far that trawlers could only come in on the highest tides,"
    " forcing several crews to land their catch at the ferry port forty miles to the south.",
    "The authority's engineer said the work would take about six weeks and would be timed to avoid the"
    " herring run, when the channel is at its busiest.",
]
JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "Harbour channel to be dredged", "isAccessibleForFree": "False",
"hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "False", "cssSelector": ".locked"}}</script>"""


def page(body: str, head: str = "") -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour channel to be dredged</title>{head}</head><body>
<main><article><h1>Harbour channel to be dredged</h1><div class="story-body">{body}</div></article></main>
<footer><p>Copyright 2026 The Coast Gazette</p></footer></body></html>""".encode()


def test_a_free_page_is_not_paywalled():
    assert extracted(page(paragraphs(LEAD))).paywalled is False


def test_a_page_declared_not_free_in_json_ld_is_kept_and_flagged():
    article = extracted(page(paragraphs(LEAD), JSON_LD))
    assert article.paywalled is True and article.text.split("\n") == LEAD


def test_a_page_declared_not_free_in_microdata_is_flagged():
    body = paragraphs(LEAD) + '<meta itemprop="isAccessibleForFree" content="false">'
    assert extracted(page(body)).paywalled is True


def test_a_text_that_ends_in_a_subscription_prompt_is_flagged_and_loses_the_prompt():
    prompt = [
        "To read the full article, subscribe to The Coast Gazette from 2 pounds a week.",
        "Already a subscriber? Log in here.",
    ]
    article = extracted(page(paragraphs(LEAD + prompt)))
    assert article.paywalled is True
    assert article.text.split("\n") == LEAD
    assert {chaff.kind for chaff in article.chaff} == {"paywall"}


def test_a_subscription_prompt_in_the_middle_is_chaff_but_not_a_paywall():
    # A prompt between paragraphs of the article: the article goes on, so it is all there.
    text = "\n".join([LEAD[0], "Already a subscriber? Log in here.", *LEAD[1:]])
    article = extract_text(text, "https://gazette.example/b", "gazette", "en")
    assert isinstance(article, Article)
    assert [chaff.kind for chaff in article.chaff] == ["paywall"] and article.paywalled is False


def test_plain_text_ending_in_a_subscription_prompt_is_flagged():
    text = "\n".join([*LEAD, "Subscribe to the Gazette's digital edition to read the whole article."])
    article = extract_text(text, "https://gazette.example/c", "gazette", "en")
    assert isinstance(article, Article) and article.paywalled is True and article.text.split("\n") == LEAD

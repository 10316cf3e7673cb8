"""The demo corpus: every piece of chaff injected into its article bodies is removed, with the
kind the ground truth gives it, and no article paragraph (nor the standfirst) is lost."""

from __future__ import annotations

import pytest

from tests.support.demo_site import GROUND_TRUTH
from winnow.demo.server import SITE_ROOT
from winnow.schemas.records import Article
from winnow.transforms.extract import PageInput, extract_article


def extracted(path: str) -> Article:
    url = f"http://demo.example/{path}"
    truth = GROUND_TRUTH[path]
    result = extract_article(
        PageInput(url=url, final_url=url, source=truth["source"], body=(SITE_ROOT / path).read_bytes(), language="en")
    )
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize("path", sorted(GROUND_TRUTH))
def test_demo_article_text_is_its_standfirst_and_paragraphs_and_nothing_else(path):
    # Every layout sets the standfirst apart between the headline and the body, in a box named
    # for it ("standfirst", "summary", "dek"), where trafilatura leaves it out: it is put back.
    article = extracted(path)
    assert article.text == GROUND_TRUTH[path]["standfirst"] + "\n" + GROUND_TRUTH[path]["body"]


@pytest.mark.parametrize("path", sorted(GROUND_TRUTH))
def test_demo_chaff_that_trafilatura_keeps_is_removed_with_its_kind(path):
    article = extracted(path)
    injected = {entry["text"]: entry["kind"] for entry in GROUND_TRUTH[path]["chaff"]}
    removed = {chaff.text: chaff.kind for chaff in article.chaff}
    kept_by_trafilatura = [block for block in article.blocks if block in injected]
    assert kept_by_trafilatura, "the page shows no in-body chaff that trafilatura keeps"
    assert {text: removed.get(text) for text in kept_by_trafilatura} == {
        text: injected[text] for text in kept_by_trafilatura
    }
    assert set(removed) <= set(injected)  # nothing but injected chaff is removed

"""Chaff removal on plain text: the seed page, a look-alike we can redistribute, and precision cases."""

from __future__ import annotations

import pytest

from tests.support.chaff_texts import LOOKALIKE, SEED
from winnow.schemas.config import ChaffPattern, ChaffRules
from winnow.transforms.chaff import clean_text, strip_text, text_blocks


def _kept(text: str, rules: ChaffRules = ChaffRules()) -> tuple[list[str], list]:
    blocks, chaff = strip_text(text, rules)
    return clean_text(blocks, chaff).split("\n"), chaff


def _check_seed_shaped(text: str, grain_count: int) -> None:
    blocks = text_blocks(text)
    kept, chaff = _kept(text)
    sign_up = next(i for i, block in enumerate(blocks) if block.startswith("Sign up for our free weekly newsletter"))
    # The title, the caption and every article paragraph, unchanged and in order.
    assert kept == blocks[1:sign_up]
    assert len(kept) == 2 + grain_count
    removed = {c.position: c for c in chaff}
    assert sorted(removed) == [0, *range(sign_up, len(blocks))]
    assert removed[0].kind == "donation"
    assert removed[sign_up].kind == "newsletter"
    assert {c.kind for c in chaff} >= {"newsletter", "donation"}
    assert {c.evidence for c in chaff} == {"detector"}
    assert all(c.rule for c in chaff)


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed text is not beside the repository ({SEED})")
def test_the_seed_keeps_title_caption_and_ten_paragraphs_with_no_rule_for_its_publisher():
    text = SEED.read_text(encoding="utf-8")
    _check_seed_shaped(text, grain_count=10)
    kept, chaff = _kept(text)
    removed = [c.text for c in chaff]
    assert removed[0] == "Support The Moscow Times!"
    assert removed[1] == "Sign up for our free weekly newsletter" and removed[-1] == "Read more"
    assert "But it did not turn out this way." in kept  # a short paragraph of the article stays


def test_a_page_shaped_like_the_seed_is_cleaned_the_same_way():
    _check_seed_shaped(LOOKALIKE, grain_count=5)


def test_the_short_lines_of_the_appeal_take_its_kind():
    _, chaff = _kept(LOOKALIKE)
    kinds = {c.text: c.kind for c in chaff}
    assert kinds["Once"] == kinds["Continue"] == kinds["payment methods"] == "donation"
    assert kinds["Subscribers agree to the Privacy Policy"] == "newsletter"
    assert kinds["Read more"] == "related"


ABOUT_DONATIONS = """\
Food bank appeal raises record sum as winter demand grows

The Lakeside food bank said on Tuesday that its winter appeal had raised 84,000 pounds, the most in its history, as the number of families asking for help rose by a quarter.

Donations came from more than 2,000 people, and a local bakery pledged to match every contribution made in December. The charity's director, Ana Brook, said: "Your support, no matter how small, makes a world of difference to the families we see."

The charity also said it would start a weekly newsletter for volunteers, and asked people who want to help to sign up on its website.

Subscriptions to the town's two local papers fell again this year, according to figures published by the regional press association, while the number of people who support a local charity by direct debit rose.

Ms Brook said the food bank would use the money to open a second warehouse in the spring.
"""


def test_an_article_about_donations_and_newsletters_keeps_every_paragraph():
    kept, chaff = _kept(ABOUT_DONATIONS)
    assert chaff == []
    assert kept == text_blocks(ABOUT_DONATIONS)


def test_an_appeal_quoted_as_news_is_not_chaff():
    text = (
        'The mayor ended her speech with a plea. "Please support us today, and sign up for our newsletter'
        ' to hear what we do next," she told the crowd of about 300 people outside the town hall.'
    )
    assert _kept(text)[1] == []


def test_an_appeal_in_the_middle_is_removed_and_the_reporting_after_it_kept():
    blocks = text_blocks(ABOUT_DONATIONS)
    box = ["Sign up for our morning briefing newsletter", "Delivered to your inbox every weekday at 7am.", "Sign up"]
    text = "\n".join(blocks[:2] + box + blocks[2:])
    kept, chaff = _kept(text)
    assert kept == blocks
    assert [c.text for c in chaff] == box and {c.kind for c in chaff} == {"newsletter"}


def test_source_rules_patterns_and_cut_markers():
    text = "\n".join(
        text_blocks(ABOUT_DONATIONS) + ["The Ledger is published by Ledger Media Ltd.", "Letters to the editor"]
    )
    rules = ChaffRules(
        patterns=(ChaffPattern(pattern=r"^Ms Brook said", kind="other"),),
        cut_markers=(ChaffPattern(pattern=r"^The Ledger is published by", kind="other"),),
    )
    kept, chaff = _kept(text, rules)
    assert kept == text_blocks(ABOUT_DONATIONS)[:-1]
    assert [c.evidence for c in chaff] == ["rule"] * 3
    assert chaff[0].rule == "pattern '^Ms Brook said'"
    assert chaff[1].rule == chaff[2].rule == "cut marker '^The Ledger is published by'"


def test_detectors_can_be_switched_off_per_source():
    _, chaff = _kept(LOOKALIKE, ChaffRules(detectors=False))
    assert chaff == []


def test_a_copy_of_the_article_is_removed_but_a_repeated_quote_stays():
    paragraphs = text_blocks(ABOUT_DONATIONS)
    quote = paragraphs[2]  # a paragraph a page may repeat as a pull quote
    text = "\n".join(paragraphs + [quote, "Share this story"] + paragraphs[1:4])
    kept, chaff = _kept(text)
    assert kept == paragraphs + [quote]
    assert (chaff[0].text, chaff[0].kind) == ("Share this story", "share")
    assert [c.rule for c in chaff[1:]] == ["a copy of the article's paragraphs"] * 3


def test_a_portuguese_byline_goes_and_a_sentence_about_publishing_stays():
    from winnow.transforms.extract import extract_text

    text = (
        "O estudo foi publicado em março na revista Nature, segundo os autores da universidade, que"
        " analisaram dados de dez anos.\n05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde\n"
        "segunda-feira, 22 de janeiro de 2018 às 0:13"
    )
    article = extract_text(text, "https://jornal.example/a", "jornal", "pt")
    assert article.text == text.split("\n")[0]
    assert {c.kind for c in article.chaff} == {"other"} and len(article.chaff) == 2

"""Chaff learned from repetition: block keys, counts and the guard for articles that recur whole."""

from __future__ import annotations

from dataclasses import replace

import pytest

from winnow.schemas.records import Article
from winnow.transforms.chaff.lexicon import languages, lexicon_for, parse_lexicon
from winnow.transforms.chaff.repetition import block_key, strip_repeated, strip_repeated_batch
from winnow.transforms.extract import extract_text

BOX = ["Get the Valley Daily in your inbox.", "Local news, no spam."]


def article(name: str, paragraphs: list[str], boxes: list[str] = BOX) -> Article:
    text = "\n".join(paragraphs[:1] + boxes + paragraphs[1:])
    result = extract_text(text, f"https://valley.example/{name}", "valley", "en")
    assert isinstance(result, Article)
    return result


TOWNS = ["Ashford", "Brinkley", "Colwick", "Dunmore", "Elsworth", "Farleigh"]


def story(n: int) -> list[str]:
    # Distinct words, not numbers: block keys ignore numbers.
    return [
        f"The council in {TOWNS[n]} met on Tuesday to discuss the state of its roads and bridges.",
        f"Residents of {TOWNS[n]} told the meeting that repairs had been promised for years.",
    ]


def test_block_keys_ignore_case_punctuation_spacing_and_numbers():
    assert block_key("Subscribe — 12 issues for £10!") == block_key("subscribe 3 issues for £99")
    assert block_key("Subscribe now") != block_key("Subscribe later")
    assert block_key(" … ") is None


def test_blocks_in_enough_articles_are_removed_with_their_count():
    batch = [article(f"s{n}", story(n)) for n in range(5)]
    cleaned = strip_repeated_batch(batch, stored={}, min_articles=5)
    for n, result in enumerate(cleaned):
        assert result.text.split("\n") == story(n)
        assert [(c.text, c.evidence, c.rule) for c in result.chaff] == [
            (text, "repetition", "in 5 articles of valley") for text in BOX
        ]
    assert cleaned[0].chaff[0].kind == "newsletter"  # named by the lexicon's weak phrase "inbox"
    assert cleaned[0].chaff[1].kind == "other"


def test_stored_counts_add_to_the_batch():
    batch = [article(f"s{n}", story(n)) for n in range(2)]
    assert strip_repeated_batch(batch, stored={}, min_articles=5) == batch
    stored = {block_key(BOX[0]): 3, block_key(BOX[1]): 3}
    assert [r.text.split("\n") for r in strip_repeated_batch(batch, stored, 5)] == [story(0), story(1)]


def test_a_threshold_of_zero_turns_learning_off():
    batch = [article(f"s{n}", story(n)) for n in range(5)]
    assert strip_repeated_batch(batch, stored={}, min_articles=0) == batch


def test_an_article_that_recurs_whole_keeps_its_text():
    # Copies of one story under five URLs: most of each is "repeated", so nothing is removed.
    copies = [article(f"copy{n}", story(1)) for n in range(5)]
    assert strip_repeated_batch(copies, stored={}, min_articles=5) == copies


def test_a_block_already_removed_is_not_counted_twice():
    one = article("s1", story(1))
    removed = replace(one, chaff=(), text=one.text)
    counts = {block_key(b): 9 for b in BOX}
    cleaned = strip_repeated(removed, counts, 5)
    assert len(cleaned.chaff) == 2 and strip_repeated(cleaned, counts, 5) == cleaned


def test_lexicons_name_known_kinds_and_fall_back_to_english_or_to_all():
    assert lexicon_for("xx").language == "en"
    unknown = lexicon_for(None)  # a page and a source that name no language: every lexicon at once
    assert unknown.language == "any" and {p.name.split(":")[0] for p in unknown.strong} == set(languages())
    with pytest.raises(ValueError, match="unknown chaff kinds \\['adverts'\\]"):
        parse_lexicon({"phrases": {"adverts": {"strong": ["buy now"]}}}, "xx")


def test_each_language_has_its_own_words_and_every_lexicons_phrases_apply_to_every_page():
    german = lexicon_for("de")
    assert german.language == "de" and german.class_tokens["newsletter"] == "newsletter"
    assert german.class_tokens["lesenauch"] == "related"
    assert "wir" in german.publisher and "wir" not in lexicon_for("en").publisher
    text = "\n".join(
        [
            "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen, der deutlich mehr Geld für"
            " Schulen und Straßen vorsieht als im vergangenen Jahr.",
            "Lesen Sie auch: Neue Radwege für die Innenstadt",
            "Die Opposition kritisierte den Beschluss als zu teuer und kündigte Widerstand an.",
        ]
    )
    result = extract_text(text, "https://zeitung.example/a", "zeitung", "de")
    assert [(c.text, c.kind) for c in result.chaff] == [("Lesen Sie auch: Neue Radwege für die Innenstadt", "related")]
    # A page that declares another language (wrongly, or one without a lexicon) loses the line too.
    for declared in ("en", "tr"):
        assert extract_text(text, "https://zeitung.example/a", "zeitung", declared).chaff == result.chaff

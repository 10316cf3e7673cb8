"""Each article is enriched with the pipeline configured for the language of its text, and one
in a language with none is returned not enriched, with the reason, never run through English."""

from __future__ import annotations

from datetime import date

from winnow.schemas.config import EnrichOptions
from winnow.schemas.records import DEFAULT_NLP_MODEL, EnrichInput
from winnow.transforms.enrich.enricher import enricher
from winnow.transforms.enrich.language import detect_language

GERMAN = (
    "Die Polizei hat am Montag in Hamburg drei Männer festgenommen. Der Bürgermeister Klaus Brenner "
    "kritisierte die Entscheidung des Gerichts und kündigte eine Beschwerde an."
)
FRENCH = (
    "La police a arrêté lundi trois hommes à Marseille. Le maire, Jean Dufresne, a critiqué la décision "
    "du tribunal de Lyon et a annoncé un recours devant le Conseil d'État."
)
ENGLISH = "Police arrested three men in Leeds on Monday."
BOTH = EnrichOptions(models=(("en", DEFAULT_NLP_MODEL), ("fr", "fr_core_news_sm")))


def enrich(options: EnrichOptions, *texts: str):
    return enricher(options).enrich([EnrichInput(str(i), "", text, date(2024, 3, 8)) for i, text in enumerate(texts)])


def test_the_language_comes_from_the_text():
    assert [detect_language(None, text) for text in (GERMAN, FRENCH, ENGLISH)] == ["de", "fr", "en"]


def test_an_article_in_a_language_without_a_model_is_not_enriched_and_says_why():
    german, english = enrich(EnrichOptions(), GERMAN, ENGLISH)
    assert (german.language, german.error) == ("de", "no enrich model for language 'de'")
    assert german.entities == german.mentions == german.events == ()
    assert english.error is None and english.language == "en" and english.events


def test_a_french_article_is_enriched_with_the_french_model():
    french, english = enrich(BOTH, FRENCH, ENGLISH)
    assert french.error is None and french.language == "fr"
    assert {"Marseille", "Jean Dufresne"} <= {e.name for e in french.entities}
    assert french.events == ()  # the event rules are English
    assert english.language == "en" and english.events


def test_the_language_told_at_extraction_is_the_one_enrichment_uses():
    # The pipeline passes `articles.language`, so the stored language and the model chosen agree.
    told_german = EnrichInput("0", "", ENGLISH, date(2024, 3, 8), language="de")
    (found,) = enricher(EnrichOptions()).enrich([told_german])
    assert (found.language, found.error) == ("de", "no enrich model for language 'de'")

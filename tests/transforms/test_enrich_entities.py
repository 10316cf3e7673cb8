"""Canonical entities: the rules of transforms/enrich/entities.py and consolidate.py, one case each,
through the real model."""

from __future__ import annotations

from datetime import date

import pytest

from winnow.schemas.config import EnrichOptions, EntityAlias
from winnow.schemas.records import (
    DEFAULT_NLP_MODEL,
    EnrichInput,
    Enrichment,
    Entity,
    Event,
    Mention,
)
from winnow.transforms.enrich.consolidate import consolidate
from winnow.transforms.enrich.enricher import enricher
from winnow.transforms.enrich.entities import names_only
from winnow.transforms.enrich.names import name_key
from winnow.transforms.enrich.occurrences import Occurrence, Resolved, names_told_again
from winnow.transforms.enrich.surfaces import acronym_definitions, clean_surface
from winnow.transforms.hashing import entity_id


def entities(text: str, title: str | None = None, options: EnrichOptions = EnrichOptions()) -> dict[str, tuple]:
    found = enricher(options).enrich([EnrichInput("a", title, text, date(2024, 3, 8))])[0]
    return {e.name: (e.type, e.country, set(e.aliases)) for e in found.entities}


@pytest.mark.parametrize(
    "surface, clean",
    [
        ("The Defense Ministry's", "Defense Ministry"),
        ("Assad’s", "Assad"),
        ("U.S.", "U.S."),
        ("Councillor Sunita Varga", "Sunita Varga"),
        ("the United Nations,", "United Nations"),
    ],
)
def test_surface_forms_are_cleaned(surface, clean):
    assert clean_surface(surface) == clean


def test_abbreviations_and_names_of_a_country_are_one_entity_with_its_iso_code():
    found = entities("The U.S. and the United States are the same country. Officials in the US agreed.")
    assert found["United States"][:2] == ("place", "US")
    assert {"U.S.", "United States", "US"} <= found["United States"][2]


def test_a_demonym_is_its_country_and_a_capital_used_for_its_government_too():
    found = entities("Russian troops moved north. Washington blamed Moscow for the attack on Tuesday.")
    assert found["Russia"][:2] == ("place", "RU") and {"Russian", "Moscow"} <= found["Russia"][2]
    assert "Washington" in found["United States"][2]


def test_a_capital_after_in_stays_a_city():
    found = entities("The talks were held in Washington on Monday with officials from Kenya.")
    assert found["Washington"][:2] == ("place", "US")


def test_a_surname_alone_joins_the_full_name_and_possessives_are_dropped():
    found = entities("John Kerry arrived in Geneva. Kerry's plan was welcomed, and Kerry spoke at length.")
    assert found["John Kerry"][0] == "person" and {"Kerry", "John Kerry"} <= found["John Kerry"][2]
    assert "Kerry" not in found


def test_a_defined_acronym_joins_its_long_form_or_is_dropped():
    assert acronym_definitions("the Wend Estuary Dockers Union (WEDU) said") == {"WEDU": "Wend Estuary Dockers Union"}
    found = entities("The Cessation of Hostilities (CoH) began on Monday. The CoH was violated by the rebels.")
    assert "CoH" not in found


def test_an_acronym_used_undefined_joins_the_name_its_letters_begin():
    found = entities(
        "The Kelmouth Harbour Pilots Association met on Monday. On Tuesday KHPA members walked out of the port."
    )
    assert "KHPA" in found["Kelmouth Harbour Pilots Association"][2] and "KHPA" not in found
    found = entities("Harwick Gas & Power Co. cut supplies on Monday. HG&P said the cut was needed.")
    assert "HG&P" in found["Harwick Gas & Power Co."][2]  # the "&" and the company suffix aside
    found = entities("Kelmouth United beat Talvik on Monday. KU fans cheered.")
    assert "KU" not in found.get("Kelmouth United", (None, None, set()))[2]  # two letters match too much


def test_the_alias_table_renames_and_merges():
    options = EnrichOptions(aliases=(EntityAlias(name="Bashar al-Assad", type="person", aliases=("Assad",)),))
    found = entities("Assad addressed parliament. The UN and the U.N. Security Council responded.", options=options)
    assert found["Bashar al-Assad"][0] == "person"
    assert found["United Nations"][0] == "organisation"  # from the shipped aliases.yaml


def test_context_and_gazetteers_correct_the_taggers_label():
    found = entities("Rescue workers searched the rubble in al-Mashhad neighborhood, east of Aleppo.")
    assert found["Aleppo"][:2] == ("place", "SY")
    assert found["al-Mashhad"][0] == "place"


def test_a_word_only_seen_starting_sentences_is_not_an_entity():
    found = entities("Turnout was 46 percent. Voters in Northgate chose a new mayor.")
    assert "Turnout" not in found


def article(article_id: str, *entities: Entity, actor: str | None = None) -> Enrichment:
    mentions = tuple(Mention(article_id, e.entity_id, e.aliases, 1, 0, round(1 / len(entities), 4)) for e in entities)
    events = (
        (
            Event(
                "ev-" + article_id,
                article_id,
                "aid",
                "07",
                "approved",
                actor,
                None,
                None,
                None,
                "unknown",
                "It approved a grant.",
                0,
                0.7,
            ),
        )
        if actor
        else ()
    )
    return Enrichment(article_id, "h", entities, mentions, events)


def entity(name: str, kind: str, strong: bool = False, country: str | None = None) -> Entity:
    return Entity(entity_id(kind, name_key(name)), name, kind, country, (name,), strong)


def test_consolidation_gives_a_name_its_strong_type_across_articles():
    town, town_as_org = entity("Brackenford", "place", strong=True), entity("Brackenford", "organisation")
    council = entity("Brackenford Council", "organisation")
    a, b = consolidate([article("a", town), article("b", town_as_org, council, actor=town_as_org.entity_id)], {})
    assert a.entities == (town,)
    assert {e.entity_id: e.type for e in b.entities} == {town.entity_id: "place", council.entity_id: "organisation"}
    assert {m.entity_id for m in b.mentions} == {town.entity_id, council.entity_id}
    assert b.events[0].actor1 == town.entity_id


def test_consolidation_prefers_the_warehouses_strong_type_then_the_batchs_majority():
    person, org = entity("Lionel Askew", "person"), entity("Lionel Askew", "organisation")
    batch = [article("a", org), article("b", org), article("c", person)]
    assert {e.type for r in consolidate(batch, {}) for e in r.entities} == {"organisation"}
    known = {name_key("Lionel Askew"): entity("Lionel Askew", "person", strong=True)}
    assert {e.type for r in consolidate(batch, known) for e in r.entities} == {"person"}


def test_a_surname_alone_is_the_one_person_known_by_that_surname():
    full, alone = entity("Lionel Askew", "person"), entity("Askew", "person")
    other = entity("Askew", "person")
    first, second = consolidate([article("a", full), article("b", alone, actor=alone.entity_id)], {})
    assert [e.name for e in second.entities] == ["Lionel Askew"] and second.events[0].actor1 == full.entity_id
    # From the warehouse, and not when two people share the surname.
    (only,) = consolidate([article("c", other)], {}, (full,))
    assert [e.name for e in only.entities] == ["Lionel Askew"]
    (ambiguous,) = consolidate([article("c", other)], {}, (full, entity("Mary Askew", "person")))
    assert [e.name for e in ambiguous.entities] == ["Askew"]


def test_an_article_whose_enrichment_fails_comes_back_empty_with_the_reason_and_the_batch_goes_on(monkeypatch):
    from winnow.transforms.enrich import entities as entity_rules

    def broken(occurrences):
        if any(o.surface == "Brackenford" for o in occurrences):
            raise ValueError("a rule broke")
        return original(occurrences)

    original = entity_rules.merge
    monkeypatch.setattr("winnow.transforms.enrich.enricher.merge", broken)
    bad, good = enricher(EnrichOptions()).enrich(
        [
            EnrichInput("bad", None, "Floods hit homes in Brackenford on Friday.", date(2024, 3, 8)),
            EnrichInput("good", None, "John Kerry arrived in Geneva on Monday.", date(2024, 3, 8)),
        ]
    )
    assert (bad.error, bad.entities, bad.events) == ("ValueError: a rule broke", (), ())
    assert good.error is None and {e.name for e in good.entities} >= {"John Kerry", "Geneva"}


def test_bylines_credits_and_a_datelines_wire_are_not_entities():
    found = entities(
        "HALDEN (Wirepress) — Police arrested Jon Dale in Hull on Monday.\n"
        "Dale was released on Tuesday.\nMarta Lindqvist, Nordic Daily chief correspondent\n"
        "Photo: Erik Sand/Nordic Daily"
    )
    assert {"Jon Dale", "Hull"} <= set(found)
    assert not {"Wirepress", "Marta Lindqvist", "Nordic Daily", "Erik Sand"} & set(found)


def test_a_nationality_alone_is_not_an_entity_but_a_named_country_keeps_it_as_an_alias():
    assert "Afghanistan" not in entities("Afghan police arrested two suspects in Kabul.")
    found = entities("Russian troops moved north. Russia denied it.")
    assert "Russian" in found["Russia"][2]


def test_pieces_of_a_longer_name_are_not_entities_of_their_own():
    found = entities("Harold Brisk met officials in Denver. Harold later flew home.")
    assert "Harold Brisk" in found and "Harold" not in found  # a first name alone


def test_a_company_named_after_a_region_is_its_short_name_not_a_piece_of_the_region():
    found = entities("The carrier Kelmouth Airways flies from North Kelmouth. On Monday, Kelmouth ordered 50 jets.")
    assert "Kelmouth" in found["Kelmouth Airways"][2] and "Kelmouth" not in found


def test_a_name_the_tagger_cut_in_two_is_joined_again():
    from spacy.tokens import Span

    from winnow.transforms.enrich.surfaces import joined_spans

    doc = enricher(EnrichOptions()).pipeline("en", DEFAULT_NLP_MODEL).nlp.make_doc("Orders went to Thornbury Marsh.")
    doc.ents = [Span(doc, 3, 4, label="ORG"), Span(doc, 4, 5, label="PERSON")]
    assert [(span.text, span.label_) for span in joined_spans(doc)] == [("Thornbury Marsh", "ORG")]


def test_what_the_tagger_took_for_a_name_is_not_an_entity():
    text = (
        "Frost closed the road; frost damage is rising. Ann Berg spoke. The Bergs left.\n"
        "The Harbour Protection Act passed, the Kelmouth Composite Index rose and Syndicalism waned. Gale hit Hull."
    )
    names = [
        ("Frost", "person"),
        ("Ann Berg", "person"),
        ("Bergs", "place"),
        ("Harbour Protection Act", "organisation"),
        ("Kelmouth Composite Index", "organisation"),
        ("Syndicalism", "organisation"),
        ("Hull", "place"),
    ]
    occurrences = [Occurrence(Resolved(name, kind), name, 0, 1, False) for name, kind in names]
    assert [o.resolved.name for o in names_only(occurrences, text)] == ["Ann Berg", "Hull"]


def test_an_organisations_name_told_again_where_the_tagger_missed_it_is_its_mention():
    text = "The label, Harwick Records, owns her songs. Harwick Records have denied it. Harwick Recordsmith and Harwick records are not it."
    label = Resolved("Harwick Records", "organisation")
    tagged = [
        Occurrence(label, "Harwick Records", 11, 26, False),
        Occurrence(Resolved("Ann Berg", "person"), "Ann Berg", 0, 0, True),
    ]
    again = names_told_again(tagged, text)
    assert [(o.resolved, text[o.start : o.end], o.start) for o in again] == [(label, "Harwick Records", 44)]

"""The entity rules that repair the tagger's spans (surfaces.py) and read names from the words
around them (context_names.py), each on spans set by hand on sentences written for the test, so
they hold whatever a model tags."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from winnow.schemas.config import EnrichOptions
from winnow.schemas.records import DEFAULT_NLP_MODEL
from winnow.transforms.enrich.actors import located_places, person_genders
from winnow.transforms.enrich.enricher import enricher
from winnow.transforms.enrich.entities import AliasTable, EntityResolver, merge, names_only
from winnow.transforms.enrich.geo import gazetteer
from winnow.transforms.enrich.occurrences import resolved_id
from winnow.transforms.enrich.pipeline import block_boundaries, default_aliases
from winnow.transforms.enrich.surfaces import clean_surface


def tagged(text: str, *names: tuple[str, str]) -> Doc:
    """`text` split in sentences as the enrich stage splits it, with `names` (surface, label) as
    the tagger's spans: the rules below are tested on the spans they get, whatever a model tags."""
    nlp = enricher(EnrichOptions()).pipeline("en", DEFAULT_NLP_MODEL).nlp
    doc = block_boundaries(nlp.get_pipe("sentencizer")(nlp.make_doc(text)))
    spans = []
    for surface, label in names:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = spans
    return doc


def resolved_names(doc: Doc) -> dict[str, tuple[str, str | None, str]]:
    """name -> (type, country, surface) of each name the resolver finds in `doc`, merged."""
    found = merge(EntityResolver(gazetteer(), AliasTable(default_aliases())).occurrences(doc, False, {}))
    return {o.resolved.name: (o.resolved.type, o.resolved.country, o.surface) for o in found}


@pytest.mark.parametrize(
    "surface, clean",
    [
        ("the Citizen’s Herald", "Citizen’s Herald"),
        ("Rotherham Magistrate's Court", "Rotherham Magistrate's Court"),
        ("Lund’s March 3", "Lund"),
        ("Lund's 2016", "Lund"),
        ("Lund's Marlow Road", "Lund's Marlow Road"),
        ("’s Lund", "Lund"),
    ],
)
def test_a_possessive_followed_by_a_capitalised_word_stays_in_the_name(surface, clean):
    assert clean_surface(surface) == clean


def test_a_possessive_names_two_things_unless_the_whole_is_an_organisations_name():
    doc = tagged(
        "Papers quoted the Citizen’s Herald on farmers from Kenya’s Nakuru.",
        ("the Citizen’s Herald", "ORG"),
        ("Kenya’s Nakuru", "PERSON"),
    )
    found = resolved_names(doc)
    assert found["Citizen’s Herald"][0] == "organisation"
    assert found["Kenya"][:2] == ("place", "KE") and found["Nakuru"][0] == "place"


def test_a_name_after_a_title_is_a_name_even_where_a_sentence_starts():
    assert "Varga" in resolved_names(tagged("Ms Varga said so on Monday.", ("Ms Varga", "PERSON")))


def test_an_organisation_the_tagger_cut_short_is_extended_up_to_a_word_not_capitalised():
    found = resolved_names(
        tagged("Figures came from the Kelmouth Evening Courier on Friday.", ("the Kelmouth Evening", "ORG"))
    )
    assert "Kelmouth Evening Courier" in found
    # Not across a title before a name, nor on a headline's capitalised words.
    found = resolved_names(
        tagged("Orders rose, Acme Chief Executive Ada Brennan said.", ("Acme", "ORG"), ("Ada Brennan", "PERSON"))
    )
    assert {"Acme", "Ada Brennan"} <= set(found) and not any("Chief" in name for name in found)
    assert "Acme" in resolved_names(tagged("Sales at Acme I think rose.", ("Acme", "ORG")))
    assert set(resolved_names(tagged("Acme Foods Shares Climb After Strong Quarter", ("Acme Foods", "ORG")))) == {
        "Acme Foods"
    }


def test_a_possessive_splits_a_name_where_the_possessor_is_a_name_of_its_own():
    found = resolved_names(
        tagged("Acme said Acme's Widget Pro sold well.", ("Acme", "ORG"), ("Acme's Widget Pro", "ORG"))
    )
    assert {"Acme", "Widget Pro"} <= set(found)
    found = resolved_names(
        tagged("Staff of Fenwick University's Marlow Center left.", ("Fenwick University's Marlow Center", "ORG"))
    )
    assert {"Fenwick University", "Marlow Center"} <= set(found)


def test_a_list_the_tagger_took_for_one_name_is_split_into_its_names():
    found = resolved_names(tagged("Orders went to Arlo, Bexley Robotics and others.", ("Arlo, Bexley Robotics", "ORG")))
    assert {"Arlo", "Bexley Robotics"} <= set(found)
    assert "Acme, Inc." in resolved_names(tagged("Orders went to Acme, Inc. on Monday.", ("Acme, Inc.", "ORG")))
    found = resolved_names(tagged("Storms flooded Kent and Surrey counties.", ("Kent and Surrey", "ORG")))
    assert found["Kent"][0] == found["Surrey"][0] == "place" and "Kent and Surrey" not in found
    assert "Council on Energy, Water and Waste" in resolved_names(
        tagged("The Council on Energy, Water and Waste met.", ("Council on Energy, Water and Waste", "ORG"))
    )
    assert "Health and Human Services" in resolved_names(
        tagged("Health and Human Services staff left.", ("Health and Human Services", "ORG"))
    )


def test_a_name_and_the_word_after_it_name_one_thing():
    found = resolved_names(
        tagged(
            "The Kenyan government thanked Brackenford police and officials of the Lund administration.",
            ("Kenyan", "NORP"),
            ("Brackenford", "GPE"),
            ("Lund", "PERSON"),
        )
    )
    assert found["Kenya"] == ("place", "KE", "Kenyan government")  # a government is its country
    assert found["Brackenford police"][0] == "organisation" and "Brackenford" in found
    assert found["Lund administration"][0] == "organisation" and "Lund" not in found
    found = resolved_names(
        tagged("Staff of the Kenyan embassy and Kenya Airways left.", ("Kenyan", "NORP"), ("Kenya Airways", "ORG"))
    )
    assert found["Kenyan embassy"][0] == "place" and found["Kenya"][:2] == ("place", "KE")
    found = resolved_names(tagged("Afghan police arrested two suspects.", ("Afghan", "NORP")))
    assert "Afghan police" not in found  # no one body
    found = resolved_names(tagged("Kenya police took him to a Kenyan prison.", ("Kenya", "GPE"), ("Kenyan", "NORP")))
    assert set(found) == {"Kenya"}


def test_places_the_tagger_missed_are_found_where_the_words_around_them_say_so():
    found = resolved_names(tagged("The standfirst.\nMOMBASA — Talks were held in Nakuru by a Kisumu-based firm."))
    assert {"MOMBASA", "Nakuru", "Kisumu"} <= set(found) and found["Nakuru"][:2] == ("place", "KE")
    assert resolved_names(tagged("Reading was slow. He spoke of Nice people and Split Rock Records.")) == {}


def test_a_one_word_organisation_keeps_the_the_it_is_written_with_mid_sentence():
    found = resolved_names(tagged("He told The Beacon on Friday that the vote was close.", ("Beacon", "ORG")))
    assert found == {"The Beacon": ("organisation", None, "The Beacon")}
    found = resolved_names(tagged("The Beacon Trust said the vote was close.", ("Beacon Trust", "ORG")))
    assert "Beacon Trust" in found


def test_a_common_word_before_a_surname_at_a_sentences_start_is_not_part_of_the_name():
    text = "On Monday Harold Brisk testified. Questioning Brisk’s account, members kept questioning him. Joshua Brisk left."
    doc = tagged(text, ("Harold Brisk", "PERSON"), ("Questioning Brisk", "PERSON"), ("Joshua Brisk", "PERSON"))
    occurrences = EntityResolver(gazetteer(), AliasTable(default_aliases())).occurrences(doc, False, {})
    assert {o.resolved.name for o in names_only(merge(occurrences), text)} == {"Harold Brisk", "Joshua Brisk"}


def test_a_countrys_body_in_lower_case_and_a_places_airport_are_named_as_written():
    found = resolved_names(
        tagged(
            "Kenya's trade ministry said flights left the Mombasa airport late.",
            ("Kenya", "GPE"),
            ("trade ministry", "ORG"),
            ("Mombasa", "GPE"),
        )
    )
    assert found["Kenya's trade ministry"][0] == "organisation" and found["Mombasa airport"][0] == "place"
    assert resolved_names(tagged("The trade ministry said so.", ("trade ministry", "ORG"))) == {}


def test_an_untagged_name_ending_with_a_word_for_a_place_after_a_word_of_place_is_a_place():
    found = resolved_names(tagged("Crowds gathered on Harbour Street and near Gull Point."))
    assert found["Harbour Street"][0] == found["Gull Point"][0] == "place"
    assert resolved_names(tagged("He wrote Harbour Street Blues in May.")) == {}


def test_untagged_names_in_a_list_of_tagged_organisations_are_organisations():
    text = "Orders came from Acme, Brell Systems, Corvo Mills and Dunmore Freight. Enter Lund, Fenmoor Labs and Gail Works."
    names = ("Acme", "Corvo Mills", "Dunmore Freight", "Fenmoor Labs", "Gail Works")
    doc = tagged(text, *((name, "ORG") for name in names))
    found = resolved_names(doc)
    assert found["Brell Systems"][0] == "organisation"
    assert not any("Enter" in name for name in found)  # a sentence's first word is capitalised anyway
    found = resolved_names(tagged("Visitors came from Kent, Acme and Brell Systems.", ("Acme", "ORG")))
    assert "Brell Systems" not in found and "Kent" not in found  # one tagged organisation is no list of them


@pytest.mark.parametrize(
    "text, name",
    [
        ("Prosecutors looked into the energy company Talvik last year.", "Talvik"),
        ("Investigators looked into Dorvan, a mining firm, and the timber company Talvik.", "Talvik"),
        ("The coach posted on Chirper that the deal was done.", "Chirper"),
        ("A clip went up on the official Chirper account on Friday.", "Chirper"),
        ("Rovers have won just two matches this season.", "Rovers"),
        ("The contract went to Harlow Productions in May.", "Harlow Productions"),
    ],
)
def test_a_name_used_as_no_persons_name_is_used_is_an_organisation(text, name):
    assert resolved_names(tagged(text, (name, "PERSON")))[name][0] == "organisation"


@pytest.mark.parametrize(
    "text, name",
    [
        ("She joined the company Talvik founded in 2001.", "Talvik"),  # the name is the founder
        ("Claims against Talvik are baseless, his lawyer said.", "Talvik"),  # "are" is the claims' verb
        ("The film was posted on Talvik's page.", "Talvik"),
    ],
)
def test_a_persons_name_near_such_words_stays_a_persons(text, name):
    assert resolved_names(tagged(text, (name, "PERSON")))[name][0] == "person"


@pytest.mark.parametrize(
    "text",
    [
        "Brisvane's shares fell 4% in early trading. Brisvane sells phones in Kelmouth.",
        "Brisvane's chief executive left in May. Brisvane sells phones in Kelmouth.",
        "Brisvane said in a filing that sales fell. Brisvane sells phones in Kelmouth.",
        "Ada Berg, the chief operating officer of Brisvane, left. Brisvane sells phones in Kelmouth.",
        "Some Brisvane users were locked out. Brisvane sells phones in Kelmouth.",
    ],
)
def test_a_name_taken_for_a_place_but_used_as_a_companys_is_an_organisation(text):
    starts = [i for i in range(len(text)) if text.startswith("Brisvane", i)]
    nlp = enricher(EnrichOptions()).pipeline("en", DEFAULT_NLP_MODEL).nlp
    doc = block_boundaries(nlp.get_pipe("sentencizer")(nlp.make_doc(text)))
    doc.ents = [doc.char_span(s, s + len("Brisvane"), label="GPE") for s in starts]
    assert resolved_names(doc)["Brisvane"][0] == "organisation"


@pytest.mark.parametrize(
    "text",
    [
        "On Monday Brisvane's mayor said in a filing that sales fell.",
        "On Monday Brisvane said in a statement that the road would reopen.",
        "On Monday Brisvane's residents bought shares in the new ferry.",
        "On Monday Brisvane shares rose 2% as investors in Brisvane cheered.",
    ],
)
def test_a_place_owning_or_saying_what_towns_do_stays_a_place(text):
    assert resolved_names(tagged(text, ("Brisvane", "GPE")))["Brisvane"][0] == "place"


def test_a_name_tagged_about_as_often_a_person_as_a_place_is_an_organisation():
    text = "Dorwick United sacked him. He joined Dorwick United in 2016. Fans of Dorwick United wept."
    starts = [i for i in range(len(text)) if text.startswith("Dorwick United", i)]
    nlp = enricher(EnrichOptions()).pipeline("en", DEFAULT_NLP_MODEL).nlp
    doc = block_boundaries(nlp.get_pipe("sentencizer")(nlp.make_doc(text)))
    doc.ents = [
        doc.char_span(s, s + len("Dorwick United"), label=label)
        for s, label in zip(starts, ("PERSON", "GPE", "PERSON"))
    ]
    assert resolved_names(doc)["Dorwick United"][0] == "organisation"
    text = "Ada Brisk spoke. Brisk left. Brisk won. Brisk said so. Pressure on Brisk grew."
    starts = [i for i in range(len(text)) if text.startswith("Brisk", i)]
    doc = block_boundaries(nlp.get_pipe("sentencizer")(nlp.make_doc(text)))
    labels = ("PERSON", "PERSON", "PERSON", "PERSON", "GPE")
    doc.ents = [doc.char_span(s - 4 * (i == 0), s + 5, label=label) for i, (s, label) in enumerate(zip(starts, labels))]
    assert resolved_names(doc)["Ada Brisk"][0] == "person"


def test_a_name_holding_an_acronym_is_not_a_persons_by_its_last_word():
    text = "Dorwick won on Sunday. AFC Dorwick signed him."
    found = resolved_names(tagged(text, ("AFC Dorwick", "ORG"), ("Dorwick", "PERSON")))
    assert found["AFC Dorwick"][0] == "organisation"


def genders(text: str, *names: tuple[str, str]) -> dict[str, str]:
    """name -> "f" or "m" as `person_genders` reads `text` with `names` tagged."""
    doc = tagged(text, *names)
    found = merge(EntityResolver(gazetteer(), AliasTable(default_aliases())).occurrences(doc, False, {}))
    quoted = [(m.start(), m.end()) for m in __import__("re").finditer(r'"[^"]*"', text)]
    told = person_genders(doc, found, quoted)
    return {o.resolved.name: told[resolved_id(o.resolved)] for o in found if resolved_id(o.resolved) in told}


def test_a_persons_gender_is_read_from_a_title_or_a_pronoun_that_can_only_take_up_the_name():
    assert genders("Ms Varga left early.", ("Varga", "PERSON")) == {"Varga": "f"}
    assert genders("Tom Brisk said he was sorry.", ("Tom Brisk", "PERSON")) == {"Tom Brisk": "m"}
    assert genders("Tom Brisk resigned on Monday. She was sorry.", ("Tom Brisk", "PERSON")) == {}  # she: someone else
    text = "Tom Brisk grabbed the girl as she walked home. Brisk said he was sorry."
    assert genders(text, ("Tom Brisk", "PERSON")) == {"Tom Brisk": "m"}  # "she" is the girl; "Brisk" untagged
    text = "Tom Brisk and Ada Lund met. She left."
    assert genders(text, ("Tom Brisk", "PERSON"), ("Ada Lund", "PERSON")) == {}  # two people before
    assert genders('Tom Brisk said: "She lied."', ("Tom Brisk", "PERSON")) == {}  # a quotation tells nothing


def test_a_name_owning_the_premises_after_it_is_no_place():
    text = "Brandco hired guards. Staff work in Brandco buildings. Brandco said so."
    doc = tagged(text)
    starts = [i for i in range(len(text)) if text.startswith("Brandco", i)]
    doc.ents = [doc.char_span(s, s + 7, label=label) for s, label in zip(starts, ("ORG", "LOC", "ORG"))]
    assert resolved_names(doc)["Brandco"][0] == "organisation"
    occurrences = merge(EntityResolver(gazetteer(), AliasTable(default_aliases())).occurrences(doc, False, {}))
    assert located_places(text, occurrences, None) == frozenset()
    text = "Guards gathered in Brandco on Monday. Brandco said so."
    doc = tagged(text)
    doc.ents = [doc.char_span(s, s + 7, label="LOC" if s < 30 else "ORG") for s in (19, 38)]
    assert resolved_names(doc)["Brandco"][0] == "place"  # a place: "in" it, strongly

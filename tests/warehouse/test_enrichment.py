"""Loading the enrich stage's output: entities upserted, each article's mentions and events replaced,
and nothing duplicated or lost on a re-run."""

from __future__ import annotations

from datetime import date

from winnow.schemas.records import Enrichment, Entity, Event, Mention
from winnow.warehouse.enrichment import load_enrichments
from winnow.warehouse.migrate import migrate
from winnow.warehouse.query import run_query


def enrichment(
    article: str, text_hash: str, entities: list[tuple[str, str, tuple[str, ...]]], events: int
) -> Enrichment:
    found = tuple(Entity(f"e-{name}", name, "place", "SY", aliases) for name, _, aliases in entities)
    return Enrichment(
        article,
        text_hash,
        found,
        tuple(Mention(article, e.entity_id, e.aliases, 1, 0, round(1 / len(found), 4)) for e in found),
        tuple(
            Event(
                f"{article}-ev{i}",
                article,
                "fight",
                "19",
                "bombed",
                found[0].entity_id,
                None,
                None,
                date(2016, 9, 17),
                "day",
                "They bombed it.",
                i * 10,
                0.8,
            )
            for i in range(events)
        ),
    )


def counts(db_path) -> tuple:
    return run_query(
        db_path,
        "select (select count(*) from entities), (select count(*) from mentions),"
        " (select count(*) from events), (select count(*) from article_enrichment)",
    ).rows[0]


def test_a_rerun_adds_nothing_and_a_changed_article_replaces_its_rows(db_path):
    migrate(db_path)
    first = [
        enrichment("a1", "h1", [("Aleppo", "place", ("Aleppo",)), ("Syria", "place", ("Syria",))], 2),
        enrichment("a2", "h2", [("Syria", "place", ("Syrian",))], 1),
    ]
    assert tuple(load_enrichments(db_path, "run-1", "v1", first)) == (2, 3, 3, 0, 0)
    assert counts(db_path) == (2, 3, 3, 2)
    load_enrichments(db_path, "run-2", "v1", first)
    assert counts(db_path) == (2, 3, 3, 2)
    # a1's text changed: one entity and no events now; the other article keeps its rows.
    load_enrichments(db_path, "run-3", "v1", [enrichment("a1", "h1b", [("Aleppo", "place", ("Halab",))], 0)])
    assert counts(db_path) == (2, 2, 1, 2)
    aliases = dict(run_query(db_path, "select name, aliases from entities").rows)
    assert sorted(aliases["Syria"]) == ["Syria", "Syrian"] and sorted(aliases["Aleppo"]) == ["Aleppo", "Halab"]
    assert run_query(db_path, "select article_id, content_hash from article_enrichment order by 1").rows == [
        ("a1", "h1b"),
        ("a2", "h2"),
    ]


def test_the_views_answer_from_the_loaded_rows(db_path):
    migrate(db_path)
    load_enrichments(
        db_path,
        "run-1",
        "v1",
        [enrichment("a1", "h1", [("Aleppo", "place", ("Aleppo",)), ("Syria", "place", ("Syria",))], 2)],
    )
    assert run_query(db_path, "select event_date, event_type, country_code, events from daily_event_counts").rows == [
        (date(2016, 9, 17), "fight", "SY", 2)
    ]
    assert run_query(db_path, "select name_a, name_b, articles from entity_comentions").rows == [("Aleppo", "Syria", 1)]


def test_strong_entities_and_people_by_surname_are_found_for_the_next_batch(db_path):
    from winnow.transforms.enrich.names import name_key
    from winnow.transforms.hashing import entity_id
    from winnow.warehouse.enrichment import people_by_surname, strong_entities

    migrate(db_path)
    town = Entity(entity_id("place", "brackenford"), "Brackenford", "place", None, ("Brackenford",), True)
    person = Entity(
        entity_id("person", "helena ruiz farrow"), "Helena Ruiz-Farrow", "person", None, ("Helena Ruiz-Farrow",), False
    )
    load_enrichments(db_path, "run-1", "v1", [Enrichment("a1", "h", (town, person), (), ())])
    assert strong_entities(db_path, [name_key("Brackenford"), name_key("Helena Ruiz-Farrow")]) == {"brackenford": town}
    assert people_by_surname(db_path, [name_key("Ruiz-Farrow")]) == (person,)
    assert people_by_surname(db_path, ["farrow"]) == (person,)  # a wider net; consolidate checks the surname
    assert people_by_surname(db_path, ["askew"]) == ()


def test_actor_roles_reported_dates_and_languages_are_stored(db_path):
    migrate(db_path)
    police = Event(
        "a1-ev",
        "a1",
        "coerce",
        "17",
        "arrested",
        None,
        None,
        None,
        date(2024, 3, 8),
        "reported",
        "Afghan police arrested two suspects.",
        0,
        0.8,
        "police",
        "COP",
        "AF",
        "suspects",
        "CRM",
        None,
    )
    english = Enrichment("a1", "h1", (), (), (police,), language="en")
    german = Enrichment("a2", "h2", (), (), (), error="no enrich model for language 'de'", language="de")
    assert load_enrichments(db_path, "run-1", "v1", [english, german]).failed == 1
    assert run_query(
        db_path, "select date_precision, actor1_role, actor1_type, actor1_country, actor2_role, actor2_type from events"
    ).rows == [("reported", "police", "COP", "AF", "suspects", "CRM")]
    assert run_query(db_path, "select article_id, language, error from article_enrichment order by 1").rows == [
        ("a1", "en", None),
        ("a2", "de", "no enrich model for language 'de'"),
    ]

"""Stories at load: copies across sources and runs join one story, which is enriched once."""

from pathlib import Path

from tests.support.queries import table
from tests.support.records import article, fetched
from winnow.schemas.records import Enrichment
from winnow.transforms.hashing import sha256_hex
from winnow.transforms.stories import Copy
from winnow.warehouse import db, staging
from winnow.warehouse.articles import BatchCounts, load_batch
from winnow.warehouse.enrichment import articles_to_enrich, load_enrichments
from winnow.warehouse.query import run_query
from winnow.warehouse.stories import _stored_copies

STORIES = Path(__file__).parent.parent / "fixtures" / "stories"
CRANE = (STORIES / "harbour-crane.txt").read_text(encoding="utf-8")
LIBRARY = (STORIES / "library-roof.txt").read_text(encoding="utf-8")
WIRE, GAZETTE = "https://wire.example/crane", "https://gazette.example/crane"


def load_articles(db_path, run_id: str, *articles) -> BatchCounts:
    return load_batch(db_path, run_id, [fetched(a.url, source=a.source) for a in articles], list(articles), [])


def enrich_queue(db_path) -> set[str]:
    ids = {a.article_id for batch in articles_to_enrich(db_path, "v1") for a in batch}
    return {
        url for article_id, url in run_query(db_path, "select article_id, url from articles").rows if article_id in ids
    }


def stories(db_path) -> list[tuple]:
    return run_query(db_path, "select url, story_id, canonical from articles order by first_seen_at, url").rows


def test_an_exact_copy_from_another_source_keeps_its_row_in_the_first_copys_story(db_path):
    counts = load_articles(
        db_path, "run-1", article(WIRE, CRANE, source="wire"), article(GAZETTE, CRANE, source="gazette")
    )
    assert (counts.new, counts.duplicates) == (2, 1)
    (wire, wire_story, wire_canonical), (gazette, gazette_story, gazette_canonical) = sorted(stories(db_path))
    assert wire_story == gazette_story and {wire_canonical, gazette_canonical} == {True, False}
    assert run_query(db_path, "select copies, sources from stories").rows == [(2, ["gazette", "wire"])]


def test_a_near_copy_in_a_later_run_joins_the_story_and_only_the_canonical_copy_is_enriched(db_path):
    load_articles(
        db_path,
        "run-1",
        article(WIRE, CRANE, source="wire"),
        article("https://wire.example/library", LIBRARY, source="wire"),
    )
    edited = "GAZETTE EXCLUSIVE: a late crane.\n" + CRANE.split("\n", 1)[1] + "\nShare this story with friends."
    counts = load_articles(db_path, "run-2", article(GAZETTE, edited, source="gazette"))
    assert (counts.new, counts.duplicates) == (1, 1)
    rows = dict((url, (story, canonical)) for url, story, canonical in stories(db_path))
    assert rows[GAZETTE][0] == rows[WIRE][0] != rows["https://wire.example/library"][0]
    assert (rows[WIRE][1], rows[GAZETTE][1]) == (True, False)
    assert enrich_queue(db_path) == {WIRE, "https://wire.example/library"}


def test_distinct_articles_are_not_merged(db_path):
    counts = load_articles(db_path, "run-1", article(WIRE, CRANE), article("https://wire.example/library", LIBRARY))
    assert counts.duplicates == 0
    assert run_query(db_path, "select count(distinct story_id), bool_and(canonical) from articles").rows == [(2, True)]


def test_loading_the_same_copies_again_changes_nothing(db_path):
    batch = [
        article(WIRE, CRANE, source="wire"),
        article(GAZETTE, CRANE + "\nMore at gazette.example.", source="gazette"),
    ]
    load_articles(db_path, "run-1", *batch)
    before = [table(db_path, name, "all") for name in ("articles", "story_bands")]
    assert load_articles(db_path, "run-2", *batch).duplicates == 0
    assert [table(db_path, name, "all") for name in ("articles", "story_bands")] == before


def test_a_canonical_copy_rewritten_into_another_story_hands_its_story_to_the_next_copy(db_path):
    load_articles(db_path, "run-1", article(WIRE, CRANE, source="wire"))
    load_articles(db_path, "run-2", article(GAZETTE, CRANE, source="gazette"))
    ((wire_id, content_hash),) = run_query(
        db_path, "select article_id, content_hash from articles where url = ?", [WIRE]
    ).rows
    load_enrichments(db_path, "run-2", "v1", [Enrichment(wire_id, content_hash, (), (), ())])
    assert enrich_queue(db_path) == set()
    load_articles(db_path, "run-3", article(WIRE, LIBRARY, source="wire"))
    rows = dict((url, (story, canonical)) for url, story, canonical in stories(db_path))
    assert rows[WIRE][0] != rows[GAZETTE][0] and rows[WIRE][1] and rows[GAZETTE][1]
    assert enrich_queue(db_path) == {WIRE, GAZETTE}  # the rewritten text, and the crane story's new canonical copy


def test_of_the_stored_copies_of_one_text_in_one_story_only_the_first_seen_is_read_to_place_a_batch(db_path):
    load_articles(db_path, "run-1", article(WIRE, CRANE, source="wire"))
    herald = "https://herald.example/crane"
    load_articles(db_path, "run-2", article(GAZETTE, CRANE, source="gazette"), article(herald, CRANE, source="herald"))
    edited = "HERALD EXCLUSIVE: a late crane.\n" + CRANE.split("\n", 1)[1]
    placing = [Copy("a-new-article", sha256_hex(edited), edited)]
    with db.write(db_path) as conn:
        conn.register("batch_bands", staging.story_bands(placing))
        conn.register("placed_ids", staging.story_copies(placing))
        stored = _stored_copies(conn)
    assert [copy.article_id for copy in stored] == [article(WIRE, CRANE).article_id]
    # and the near copy, loaded, still joins their story
    load_articles(db_path, "run-3", article("https://herald.example/late-crane", edited, source="herald"))
    assert run_query(db_path, "select count(distinct story_id) from articles").rows == [(1,)]

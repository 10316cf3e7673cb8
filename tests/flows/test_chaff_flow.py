"""Chaff removal in the flows: learned from repetition during ingest, and reprocessing of stored pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.demo_site import GROUND_TRUTH
from winnow.demo.server import SITE_ROOT, render_sources, serve_site
from winnow.warehouse.query import run_query

pytestmark = pytest.mark.prefect

# Each article's text: its standfirst (put back where trafilatura leaves it out) and its body.
VALE_BODIES = {
    truth["title"]: truth["standfirst"] + "\n" + truth["body"]
    for truth in GROUND_TRUTH.values()
    if truth["source"] == "vale-courier"
}


def vale_config(
    folder: Path, base_url: str, chaff: dict | None, enrich: dict | None = None, validation: dict | None = None
) -> Path:
    """The demo config with only vale-courier, whose recurring boxes trafilatura keeps, `chaff`
    rules and `enrich` and `validation` settings."""
    data = yaml.safe_load(render_sources(base_url))
    data["sources"] = [s for s in data["sources"] if s["name"] == "vale-courier"]
    if chaff is not None:
        data["sources"][0]["chaff"] = chaff
    if enrich is not None:
        data["enrich"] = enrich
    if validation is not None:
        data["validation"] = validation
    path = folder / f"sources-{len(list(folder.glob('sources-*')))}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def texts(db: Path) -> dict[str, str]:
    return dict(run_query(db, "select title, text from articles").rows)


def test_repetition_alone_cleans_a_publishers_recurring_boxes(prefect_harness, tmp_path):
    from winnow.flows.ingest import ingest

    with serve_site(port=0) as base_url:
        # Enrichment and validation are not what is tested: seconds of the run each.
        config = vale_config(tmp_path, base_url, {"detectors": False}, {"enabled": False}, {"enabled": False})
        summary = ingest(config_path=str(config), db_path=str(tmp_path / "w.duckdb"), extract_workers=1)
    db = tmp_path / "w.duckdb"
    assert summary.new == 10
    assert texts(db) == VALE_BODIES
    evidence = run_query(db, "select distinct evidence, rule from article_chaff").rows
    assert evidence == [("repetition", "in 10 articles of vale-courier")]
    assert run_query(db, "select count(*) from article_chaff").rows == [(60,)]  # six blocks of the boxes each
    learned = run_query(db, "select count(*) from repeated_blocks where source = 'vale-courier' and articles = 10")
    assert learned.rows == [(6,)]

    # `winnow strip --source` applies what the warehouse has learned to a page it has not seen.
    from typer.testing import CliRunner

    from winnow.flows.cli import app

    page = tmp_path / "new-story.html"
    page.write_text(
        (SITE_ROOT / "vale-courier/news/bus-routes.html").read_text(encoding="utf-8").replace("bus", "tram"),
        encoding="utf-8",
    )
    shown = CliRunner().invoke(
        app, ["strip", str(page), "--source", "vale-courier", "--config", str(config), "--db", str(db), "--explain"]
    )
    assert shown.exit_code == 0, shown.output
    assert "| repetition | in 11 articles of vale-courier" in shown.stdout
    assert "Not ready to support today?" not in shown.stdout.split("\n--- removed")[0]


def test_reprocess_applies_changed_rules_to_stored_pages_without_the_network(prefect_harness, tmp_path):
    from winnow.flows.ingest import ingest
    from winnow.flows.reprocess import reprocess

    db = tmp_path / "w.duckdb"
    with serve_site(port=0) as base_url:
        # Chaff left in every article: validation would hold the batch back (tests/flows/test_validation_flow.py).
        bare = vale_config(
            tmp_path, base_url, {"detectors": False, "repetition_min_articles": 0}, validation={"enabled": False}
        )
        ingest(config_path=str(bare), db_path=str(db), extract_workers=1)
        default = vale_config(tmp_path, base_url, None)
    # The server is gone: reprocessing reads the stored pages only.
    assert all("Not ready to support today?" in text for text in texts(db).values())
    assert run_query(db, "select count(*) from article_chaff").rows == [(0,)]

    summary = reprocess(config_path=str(default), db_path=str(db), extract_workers=1)

    assert (summary.status, summary.extracted, summary.updated, summary.new) == ("completed", 10, 10, 0)
    assert summary.chaff_removed == 60
    assert summary.enriched == 10  # their text changed: entities and events found again
    assert texts(db) == VALE_BODIES
    kinds = dict(run_query(db, "select kind, count(*) from article_chaff group by kind").rows)
    assert kinds == {"newsletter": 20, "donation": 40}
    assert run_query(db, "select flow, status from runs where run_id = ?", [summary.run_id]).rows == [
        ("reprocess", "completed")
    ]

    before = run_query(db, "select * from articles order by article_id").rows
    again = reprocess(config_path=str(default), db_path=str(db), extract_workers=1)
    assert (again.updated, again.new, again.enriched) == (0, 0, 0)
    assert run_query(db, "select * from articles order by article_id").rows == before

    # A new alias changes the enrichment: every article is enriched again, and only then.
    renamed = vale_config(
        tmp_path,
        "http://unused.invalid",
        None,
        {"aliases": [{"name": "Mayor Edgar Holm", "type": "person", "aliases": ["Edgar Holm", "Holm"]}]},
    )
    mentions_before = run_query(db, "select count(*) from mentions").rows
    aliased = reprocess(config_path=str(renamed), db_path=str(db), extract_workers=1)
    assert (aliased.updated, aliased.enriched) == (0, 10)
    names = {
        name for (name,) in run_query(db, "select name from entities e semi join mentions m using (entity_id)").rows
    }
    assert "Mayor Edgar Holm" in names and "Edgar Holm" not in names
    assert run_query(db, "select count(*) from mentions").rows == mentions_before
    assert reprocess(config_path=str(renamed), db_path=str(db), extract_workers=1).enriched == 0

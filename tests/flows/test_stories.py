"""One story, once, through real `ingest` runs: copies across sources and runs join one story,
which is enriched once and whose entities every copy shows."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from pathlib import Path

import pytest

from tests.support.feeds import sitemap
from tests.support.ingest_runs import ingest
from tests.support.localserver import LOOPBACK_YAML
from tests.support.queries import rows, scalar

pytestmark = pytest.mark.prefect

STORIES = Path(__file__).parent.parent / "fixtures" / "stories"
CRANE = (STORIES / "harbour-crane.txt").read_text(encoding="utf-8")
LIBRARY = (STORIES / "library-roof.txt").read_text(encoding="utf-8")
LONG_AGO = datetime(2026, 10, 13, tzinfo=timezone.utc)


def page(title: str, text: str) -> str:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    )


def config(folder: Path, server) -> Path:
    sources = "".join(
        f"  - name: {name}\n    feeds:\n      - kind: sitemap\n"
        f'        url: "{server.url(f"/{name}/sitemap.xml")}"\n'
        '    allowed_domains: ["127.0.0.1"]\n'
        for name in ("wire", "gazette")
    )
    path = folder / "sources.yaml"
    path.write_text(
        f"defaults:\n  user_agent: winnow-test/0.1\n  rate_limit: 100\n  language: en\n"
        f"  allowed_networks: {LOOPBACK_YAML}\nsources:\n{sources}",
        encoding="utf-8",
    )
    return path


def publish(server, source: str, pages: dict[str, str]) -> None:
    for path, html in pages.items():
        server.add(f"/{source}/{path}", html)
    server.add(
        f"/{source}/sitemap.xml", sitemap(server, {f"{source}/{path}": LONG_AGO for path in pages}), "application/xml"
    )


def test_copies_across_sources_and_runs_are_one_story_enriched_once(http_server, tmp_path):
    crane = page("Crane delayed", CRANE)
    publish(http_server, "wire", {"crane.html": crane, "library.html": page("Library closes", LIBRARY)})
    publish(http_server, "gazette", {"crane.html": crane})
    path, db = config(tmp_path, http_server), tmp_path / "winnow.duckdb"

    first = ingest(path, db)
    assert (first.new, first.duplicates, first.enriched) == (3, 1, 2)  # the exact copy is not enriched

    edited = (
        "EASTWICK (Gazette) - Updated with the harbour master's words.\n"
        + CRANE.split("\n", 1)[1]
        + "\nRead more harbour news every morning in the Gazette."
    )
    publish(http_server, "gazette", {"crane.html": crane, "crane-update.html": page("Crane late", edited)})
    second = ingest(path, db)
    assert (second.new, second.duplicates, second.enriched) == (1, 1, 0)

    assert scalar(db, "select count(*) from stories") == 2
    assert rows(db, "select copies, sources from stories order by copies") == [(1, ["wire"]), (3, ["gazette", "wire"])]
    assert scalar(db, "select count(distinct article_id) from mentions") == 2  # the canonical copies only
    overview = rows(
        db,
        "select o.entities from article_overview o join articles a using (article_id)"
        " where a.story_id = (select story_id from stories where copies = 3)",
    )
    assert len(overview) == 3 and overview[0][0] and all(entities == overview[0][0] for (entities,) in overview)

    before = rows(db, "select * from articles order by article_id")
    third = ingest(path, db)
    assert (third.new, third.duplicates, third.enriched) == (0, 0, 0)
    assert rows(db, "select * from articles order by article_id") == before
    assert rows(db, "select duplicates from runs where flow = 'ingest' order by started_at") == [(1,), (1,), (0,)]

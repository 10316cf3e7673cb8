"""`winnow strip`: one file or URL through extraction and chaff removal, with --explain."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.support.chaff_texts import LOOKALIKE
from tests.support.cli import winnow
from tests.support.localserver import LOOPBACK_YAML
from winnow.demo.server import SITE_ROOT

VALE_PAGE = SITE_ROOT / "vale-courier" / "news" / "bus-routes.html"


def test_strip_a_text_file_prints_the_clean_text(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(LOOKALIKE, encoding="utf-8")
    result = winnow("strip", str(path))
    assert result.exit_code == 0
    lines = result.stdout.strip().split("\n")
    assert lines[0] == "Ferry operator cancels winter timetable after engine failures"
    assert lines[-1].startswith("The transport authority said it would decide on the grant by Friday.")
    assert "Support The Lakeside Ledger!" not in result.stdout and "Remind me later." not in result.stdout


def test_strip_explain_lists_each_removed_block_with_kind_and_evidence(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(LOOKALIKE, encoding="utf-8")
    result = winnow("strip", str(path), "--explain")
    assert result.exit_code == 0
    text, explained = result.stdout.split("\n--- removed 17 block(s): position, kind, evidence, rule ---\n")
    assert "Sign up for our free weekly newsletter" not in text
    assert explained.startswith(
        "[0] donation | detector | phrase en:donation:strong:0: 'Support The Lakeside Ledger!'"
        "\n    Support The Lakeside Ledger!\n"
    )
    assert "[8] newsletter | detector | phrase" in explained and "\n    Read more\n" in explained


def test_strip_reads_html_and_gzipped_html(tmp_path):
    gzipped = tmp_path / "bus-routes.html.gz"
    gzipped.write_bytes(gzip.compress(VALE_PAGE.read_bytes()))
    plain, packed = winnow("strip", str(VALE_PAGE)), winnow("strip", str(gzipped))
    assert plain.exit_code == packed.exit_code == 0
    assert plain.stdout == packed.stdout
    assert "Not ready to support today?" not in plain.stdout
    assert "The week's most important stories" not in plain.stdout


def test_strip_with_a_source_uses_its_rules(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(LOOKALIKE, encoding="utf-8")
    config = tmp_path / "sources.yaml"
    config.write_text(
        """
sources:
  - name: ledger
    feeds: [{kind: rss, url: "https://ledger.example/feed"}]
    chaff:
      detectors: false
      patterns: [{pattern: "^It was not a surprise", kind: other}]
""",
        encoding="utf-8",
    )
    result = winnow(
        "strip",
        str(path),
        "--source",
        "ledger",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "none.duckdb"),
        "--explain",
    )
    assert result.exit_code == 0
    assert "Support The Lakeside Ledger!" in result.stdout.split("\n--- removed")[0]  # no detectors
    assert "[5] other | rule | pattern '^It was not a surprise'" in result.stdout


def test_strip_a_missing_file_or_unknown_source_is_a_message(tmp_path):
    missing = winnow("strip", str(tmp_path / "nope.html"))
    assert missing.exit_code == 1 and "cannot read" in missing.output
    config = tmp_path / "sources.yaml"
    config.write_text('sources:\n  - name: a\n    feeds: [{kind: rss, url: "https://a.example/f"}]\n')
    unknown = winnow("strip", str(VALE_PAGE), "--source", "zz", "--config", str(config))
    assert unknown.exit_code == 1 and "no source named 'zz'" in unknown.output


def test_strip_a_url_fetches_it(http_server, tmp_path):
    http_server.add("/story.html", VALE_PAGE.read_bytes())
    config = tmp_path / "sources.yaml"
    config.write_text(
        f"sources:\n  - name: vale\n    feeds: [{{kind: rss, url: '{http_server.url('/feed')}'}}]\n"
        f"    allowed_networks: {LOOPBACK_YAML}\n",
        encoding="utf-8",
    )
    refused = winnow("strip", http_server.url("/story.html"))
    assert refused.exit_code == 1 and "refused: 127.0.0.1 is a loopback address" in refused.output
    result = winnow(
        "strip",
        http_server.url("/story.html"),
        "--source",
        "vale",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "none.duckdb"),
    )
    assert result.exit_code == 0, result.output
    assert "Bus" in result.stdout and "Remind me later" not in result.stdout


def test_extract_prints_the_entities_and_events_of_a_page_as_json():
    page = Path(__file__).resolve().parents[2] / "demo/site/northgate-observer/politics/mayor-elected.html"
    result = winnow("extract", str(page), "--published", "2026-11-04", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["published"] == "2026-11-04"
    assert {"name": "Helena Ruiz-Farrow", "type": "person"}.items() <= next(
        e for e in found["entities"] if e["name"] == "Helena Ruiz-Farrow"
    ).items()
    elected = [e for e in found["events"] if e["event_type"] == "election" and e["trigger"] == "elected"]
    assert elected and elected[0]["event_date"] == "2026-11-03"  # "on Tuesday", published Wednesday


def test_extract_of_a_missing_file_is_a_clear_error():
    result = winnow("extract", "no-such-file.txt")
    assert result.exit_code == 1 and "cannot read no-such-file.txt" in result.output

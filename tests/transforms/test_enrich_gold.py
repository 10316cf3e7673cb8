"""Entities and events against a hand-checked gold file of 18 demo articles (tests/fixtures/enrich-gold.json).

The floors sit a little under what the enrich stage measures today, so a change that loses
quality fails here, and the figures are printed for the reader (pytest -s). Entities are
matched on canonical name (or an accepted alternative) and type; events on type and evidence
sentence, one to one.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from winnow.schemas.config import EnrichOptions
from winnow.schemas.records import EnrichInput
from winnow.transforms.enrich.consolidate import consolidate
from winnow.transforms.enrich.enricher import enricher
from winnow.transforms.enrich.names import name_key

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads((ROOT / "tests" / "fixtures" / "enrich-gold.json").read_text("utf-8"))["articles"]
# Measured 2026-11-29 with the small English model: entities P 0.89 R 0.86; events P 0.43 R 0.56;
# of the matched events, every date given was right (date precision 1.00), and 0.62 of the gold
# dates were given (the rest have no date expression the parse ties to the event). The floors sit
# about 0.05 under, to catch regressions without failing on a model's ties; the model's NER
# (people tagged ORG, venues missed) is most of the entity error left, and a larger model is a setting.
# 2026-12-09 (issue 14, rules written for real news, precision first): entities P 0.90 R 0.86;
# events P 0.43 R 0.50; date precision 1.00 (dates of their own: a `reported` date is the
# publication's), date recall 0.87 (a `reported` date equal to the gold's counts).
FLOORS = {
    "entity_precision": 0.84,
    "entity_recall": 0.81,
    "event_precision": 0.38,
    "event_recall": 0.50,
    "date_precision": 0.90,
    "date_recall": 0.55,
}


def article_text(path: str) -> tuple[str, date]:
    """The demo article as the pipeline's text: standfirst, caption, then the body's paragraphs."""
    _, front, body = (ROOT / path).read_text("utf-8").split("---", 2)
    meta = yaml.safe_load(front)
    blocks = [meta.get("standfirst"), meta.get("caption")] + [p.strip() for p in body.split("\n\n")]
    return "\n".join(b for b in blocks if b), date.fromisoformat(str(meta["date"])[:10])


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    inputs = [EnrichInput(str(i), None, *article_text(a["path"])) for i, a in enumerate(GOLD)]
    results = consolidate(enricher(EnrichOptions()).enrich(inputs), {})  # as the flow does, with an empty warehouse
    counts = dict.fromkeys(
        (
            "entities",
            "entities_gold",
            "entities_right",
            "entities_found",
            "events",
            "events_gold",
            "events_right",
            "gold_dated",
            "gold_dated_right",
            "dated",
            "dated_right",
        ),
        0,
    )
    for gold, result in zip(GOLD, results):
        found = {(name_key(e.name), e.type) for e in result.entities}
        accepted = [{(name_key(n), g["type"]) for n in [g["name"], *g.get("also", [])]} for g in gold["entities"]]
        counts["entities"] += len(found)
        counts["entities_right"] += sum(1 for f in found if any(f in names for names in accepted))
        counts["entities_gold"] += len(accepted)
        counts["entities_found"] += sum(1 for names in accepted if names & found)
        unmatched = list(result.events)
        counts["events"] += len(unmatched)
        counts["events_gold"] += len(gold["events"])
        for g in gold["events"]:
            match = next(
                (
                    e
                    for e in unmatched
                    if e.event_type == g["event_type"] and (g["sentence"] in e.sentence or e.sentence in g["sentence"])
                ),
                None,
            )
            if match is None:
                continue
            unmatched.remove(match)
            counts["events_right"] += 1
            right = str(match.event_date) == g["event_date"]
            if g["event_date"]:
                counts["gold_dated"] += 1
                counts["gold_dated_right"] += right
            if match.event_date and match.date_precision != "reported":  # a date of its own, not the publication's
                counts["dated"] += 1
                counts["dated_right"] += right
    measured = {
        "entity_precision": counts["entities_right"] / counts["entities"],
        "entity_recall": counts["entities_found"] / counts["entities_gold"],
        "event_precision": counts["events_right"] / counts["events"],
        "event_recall": counts["events_right"] / counts["events_gold"],
        "date_precision": counts["dated_right"] / max(counts["dated"], 1),
        "date_recall": counts["gold_dated_right"] / max(counts["gold_dated"], 1),
    }
    print("\nenrich gold:", ", ".join(f"{k} {v:.2f}" for k, v in measured.items()), counts)
    return measured


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_enrich_quality_is_above_its_floor(scores, measure):
    assert scores[measure] >= FLOORS[measure], f"{measure} {scores[measure]:.2f} < floor {FLOORS[measure]}"

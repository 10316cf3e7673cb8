"""Events as the real small English model finds them, flattened to compare in a test."""

from __future__ import annotations

from datetime import date

from winnow.schemas.config import EnrichOptions
from winnow.schemas.records import EnrichInput
from winnow.transforms.enrich.enricher import enricher

PUBLISHED = date(2024, 3, 8)  # a Friday


def events(text: str) -> list[dict]:
    """Each event of `text` as a dict, actors and place by name (or role, for an unnamed actor)."""
    found = enricher(EnrichOptions()).enrich([EnrichInput("a", None, text, PUBLISHED)])[0]
    names = {e.entity_id: e.name for e in found.entities}
    return [
        {
            "type": v.event_type,
            "actor1": names.get(v.actor1) or v.actor1_role,
            "actor2": names.get(v.actor2) or v.actor2_role,
            "place": names.get(v.location),
            "date": v.event_date,
            "precision": v.date_precision,
            "actor1_type": v.actor1_type,
            "actor1_country": v.actor1_country,
            "actor1_role": v.actor1_role,
        }
        for v in found.events
    ]

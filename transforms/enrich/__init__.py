"""The enrich stage: canonical entities, their mentions and dated events from clean article text.

`enricher` runs spaCy; the other modules (dates, geo, consolidate) import without it.
"""

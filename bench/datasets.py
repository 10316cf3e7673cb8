"""Where the benchmarks' data lie by default: in a folder beside the repository, since the sets
are third-party and not ours to redistribute (bench/README.md, "The benchmark data", says what each
is and where it comes from). Each bench takes another place with its own option."""

from __future__ import annotations

from pathlib import Path

BESIDE_THE_REPOSITORY = Path(__file__).resolve().parents[2]

# The Scrapinghub (Zyte) article-extraction benchmark: 181 pages and their ground-truth bodies.
SCRAPINGHUB = BESIDE_THE_REPOSITORY / "shared" / "bench" / "scrapinghub"
# The dev half of trafilatura's evaluation set: 502 pages with strings to keep and strings to drop.
TRAFILATURA_EVAL = BESIDE_THE_REPOSITORY / "shared" / "bench" / "trafilatura-eval"
# Entities and events annotated on 30 Scrapinghub articles, with the scorer (score.py) beside it.
NEWS_EVENTS_GOLD = BESIDE_THE_REPOSITORY / "shared" / "gold" / "news-events-dev.json"

"""The demo corpus as the tests read it: its ground truth, and its pages served elsewhere."""

from __future__ import annotations

import json

from winnow.demo.server import SITE_ROOT

GROUND_TRUTH = json.loads((SITE_ROOT / "ground-truth.json").read_text(encoding="utf-8"))
ARTICLES = sorted(GROUND_TRUTH)  # the article paths, e.g. harbour-herald/2026/10/fish-market.html
# Two articles of one publisher, for tests that need a page and another.
ARTICLE_PATH = "harbour-herald/2026/10/fish-market.html"
OTHER_PATH = "harbour-herald/2026/10/ferry-timetable.html"


def demo_page(server, path: str) -> str:
    """A demo article's HTML with its absolute URLs on `server` (served at the same path)."""
    return (SITE_ROOT / path.lstrip("/")).read_text(encoding="utf-8").replace("{{base_url}}", server.base_url)

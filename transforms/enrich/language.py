"""The language an article is written in, from its text: a page's declared language is often
missing or wrong (a site's template says "en" on every page), so the text decides."""

from __future__ import annotations

import py3langid

# The detector is sure well before this many characters (on the Scrapinghub pages 300 gave the
# verdicts of 3000), and its time grows with the sample: it runs on every extracted page.
SAMPLE_CHARS = 1000


def detect_language(title: str | None, text: str) -> str:
    """The ISO 639-1 code of the language of an article's title and text (py3langid)."""
    sample = f"{title or ''}\n{text}"[:SAMPLE_CHARS]
    return py3langid.classify(sample)[0]

"""Settings of the extraction stage."""

from __future__ import annotations

from pydantic import Field

from winnow.schemas.config.strict import Strict

# Below this a page is a teaser, an index or an error page; the config sets it as `validation.min_words`.
MIN_WORDS = 25


class ExtractOptions(Strict):
    """How the extraction stage reads a page."""

    min_words: int = Field(MIN_WORDS, ge=0)
    favor_precision: bool = False
    include_comments: bool = False  # reader comments are not the article
    # trafilatura's readability/jusText second opinion costs a third of its time and mostly
    # agrees: it is asked only where the fast result looks incomplete (bench/README.md).
    fast: bool = True
    incomplete_share: float = 0.15  # a fast result with less of the page's paragraph text looks incomplete

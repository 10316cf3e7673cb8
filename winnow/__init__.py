"""winnow as a library: extract one page, strip chaff from a text, query the warehouse.

The pipeline's parts are installed beneath this package (`winnow.flows`, `winnow.sources`,
`winnow.transforms`, `winnow.schemas`, `winnow.warehouse`, `winnow.demo`); these three functions are
the small public surface a notebook needs without the CLI. They import their stage on first use,
so that importing any part of winnow (the CLI, a worker process) does not load them all.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from importlib.metadata import version
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from winnow.schemas.records import Article, ExtractionFailure

__all__ = ["NoArticle", "connect", "extract", "strip", "__version__"]
__version__ = version("winnow")


class NoArticle(ValueError):
    """The page holds no article; `reason` says why, as the warehouse's failures table does."""

    def __init__(self, failure: ExtractionFailure) -> None:
        super().__init__(f"no article at {failure.url}: {failure.reason}")
        self.reason = failure.reason


def extract(html: str | bytes, *, url: str, source: str = "python", language: str | None = None) -> Article:
    """The article in one page: its clean text (chaff removed; what was removed, and why, in
    `chaff`), title, authors, date and language. Raises NoArticle when there is none."""
    from winnow.schemas.records import ExtractionFailure
    from winnow.transforms.extract import PageInput, extract_article

    body = html.encode("utf-8") if isinstance(html, str) else html
    found = extract_article(PageInput(url=url, final_url=url, source=source, body=body, language=language))
    if isinstance(found, ExtractionFailure):
        raise NoArticle(found)
    return found


def strip(text: str, *, language: str | None = None) -> str:
    """`text` (one block per line, as copied from a page) without its chaff: newsletter boxes,
    appeals, read-more lists, share lines. Empty when nothing is left."""
    from winnow.schemas.records import ExtractionFailure
    from winnow.transforms.extract import extract_text

    found = extract_text(text, url="text:", source="python", language=language)
    return "" if isinstance(found, ExtractionFailure) else found.text


def connect(
    db: str | os.PathLike | None = None, *, read_only: bool = True
) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    """A DuckDB connection to the warehouse (default: $WINNOW_DB, else data/winnow.duckdb) for a
    `with` block; while it is open, `winnow run` cannot write, so keep the block short."""
    from winnow.warehouse.db import connect as warehouse_connection
    from winnow.warehouse.db import default_db_path

    return warehouse_connection(db or default_db_path(), read_only=read_only)

"""The flow's validation gate for a test source, and good articles to put through it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from tests.support.records import article, fetched
from winnow.flows.validation import gate_for
from winnow.schemas.config import ValidationSettings
from winnow.sources.config import parse_config

SITE = "https://news.example"
# Now, taken once: cases dated days ahead of it stay in the future however long the tests run.
NOW = datetime.now(timezone.utc)
SOURCE_YAML = "sources: [{name: news, languages: [en], feeds: [{kind: rss, url: 'https://news.example/feed'}]}]"


def make_gate(tmp_path, run_name: str | None = None, **settings):
    """The flow's gate for the source `news` (languages: [en]) with `settings` as its validation
    block; `run_name` groups its results in the Data Docs."""
    source = parse_config(SOURCE_YAML, tmp_path, "s.yaml").sources[0]
    gate = gate_for(source, ValidationSettings(**settings), run_name)
    assert gate is not None
    return gate


def story(n: int | str, *, words: int = 30, text: str | None = None, **changes):
    """A good article of `words` distinct words (the default suite wants 25 to 20,000)."""
    text = text if text is not None else " ".join(f"w{n}x{i}" for i in range(words))
    body = f"<html>{n}</html>".encode()
    return replace(article(f"{SITE}/story-{n}", text, body=body), **changes)


def pages_of(articles):
    """A fetched page for each article, with the body its page_hash was made from."""
    return [fetched(a.fetched_url, f"<html>{a.fetched_url.rsplit('-', 1)[1]}</html>".encode()) for a in articles]

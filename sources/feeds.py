"""The feeds a source is read from, as its `feeds:` list declares them: one model per `kind`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from winnow.schemas.config import Strict
from winnow.sources.urls import WEB_SCHEMES, host_of


def _web_url(value: str) -> str:
    try:
        usable = urlsplit(value).scheme in WEB_SCHEMES and host_of(value) is not None
    except ValueError:
        usable = False
    if not usable:
        raise ValueError(f"invalid URL {value!r}: must be an absolute http(s) URL")
    return value


WebURL = Annotated[str, AfterValidator(_web_url)]


class RssFeed(Strict):
    """An RSS 0.9x/1.0/2.0 or Atom feed."""

    kind: Literal["rss"]
    url: WebURL


class SitemapFeed(Strict):
    """A sitemap index, urlset or Google News sitemap (plain or gzipped)."""

    kind: Literal["sitemap"]
    url: WebURL
    max_depth: int = Field(3, ge=1, le=10)  # how deep sitemap indexes may nest


class PagesFeed(Strict):
    """A folder of saved .html / .html.gz pages, for offline ingest."""

    kind: Literal["pages"]
    path: Path

    @field_validator("path", mode="before")
    @classmethod
    def _existing_folder(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, (str, Path)):
            raise ValueError(f"expected a folder path, got {value!r}")
        base_dir = Path((info.context or {}).get("base_dir", "."))
        folder = (base_dir / Path(value).expanduser()).resolve()
        if not folder.is_dir():
            raise ValueError(f"folder {str(value)!r} does not exist (looked for {folder})")
        return folder


class WarcFeed(Strict):
    """WARC files, read as a stream: local (`path`, a file or a glob, relative to the config
    file) or at an http(s) `url`. Robots.txt and rate limits do not apply to an archive; the
    source's allowed domains do."""

    kind: Literal["warc"]
    path: str | None = None
    url: WebURL | None = None

    @model_validator(mode="after")
    def _one_place(self) -> WarcFeed:
        if (self.path is None) == (self.url is None):
            raise ValueError("give either path (a WARC file or a glob of them) or url, not both")
        return self

    @field_validator("path", mode="after")
    @classmethod
    def _absolute_glob(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        base_dir = Path((info.context or {}).get("base_dir", "."))
        return str((base_dir / Path(value).expanduser()).absolute())


class CCNewsFeed(Strict):
    """Common Crawl's CC-NEWS archive over a date range (UTC days, both included): the WARC
    files of those days, their records on the source's allowed domains."""

    kind: Literal["ccnews"]
    start: date
    end: date
    index: WebURL = "https://data.commoncrawl.org"  # where crawl-data/CC-NEWS/ is served

    @model_validator(mode="after")
    def _ordered(self) -> CCNewsFeed:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


ARCHIVE_FEEDS = (WarcFeed, CCNewsFeed)
Feed = Annotated[RssFeed | SitemapFeed | PagesFeed | WarcFeed | CCNewsFeed, Field(discriminator="kind")]
# The `kind`s, for messages (sources/config_errors.py).
FEED_KINDS = tuple(get_args(model.model_fields["kind"].annotation)[0] for model in get_args(get_args(Feed)[0]))

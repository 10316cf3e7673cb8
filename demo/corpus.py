"""The demo corpus as data: the three fictional publishers and their stories.

Each story is a Markdown file under demo/articles/<publisher>/ with a YAML front matter
(title, slug, date, author, section, standfirst, optional caption) and one paragraph
per blank-line-separated block. Nothing else in the body: the paragraphs are the grain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

ARTICLES_DIR = Path(__file__).parent / "articles"
BASE_URL = "{{base_url}}"  # the server puts the real scheme://host:port here when serving
MIN_WORDS, MAX_WORDS = 250, 500


@dataclass(frozen=True)
class Publisher:
    """A fictional news site living under /<key>/ on the demo server."""

    key: str  # URL prefix, and the source name in demo/sources.yaml
    name: str  # og:site_name
    tagline: str
    path_pattern: str  # str.format pattern over a Story's fields for its page path

    @property
    def home(self) -> str:
        return f"{BASE_URL}/{self.key}/"


PUBLISHERS = (
    Publisher(
        "harbour-herald",
        "The Harbour Herald",
        "News from Port Aldwick and the Wend estuary",
        "harbour-herald/{date:%Y/%m}/{slug}.html",
    ),
    Publisher(
        "vale-courier",
        "The Vale Courier",
        "Brackenford, Millhaven and the Tamsin valley",
        "vale-courier/news/{slug}.html",
    ),
    Publisher(
        "northgate-observer",
        "The Northgate Observer",
        "Independent journalism for the city of Northgate",
        "northgate-observer/{section}/{slug}.html",
    ),
)


@dataclass(frozen=True)
class Story:
    """One article as written: the metadata and the body paragraphs."""

    publisher: Publisher
    title: str
    slug: str
    date: datetime  # timezone-aware, in the publisher's local time
    author: str
    section: str
    standfirst: str
    paragraphs: tuple[str, ...]
    caption: str | None = None  # a lead photo's caption; stories without one have no photo

    @property
    def path(self) -> str:
        """The page's path under the site root, without a leading slash."""
        return self.publisher.path_pattern.format(date=self.date, slug=self.slug, section=self.section)

    @property
    def url(self) -> str:
        return f"{BASE_URL}/{self.path}"

    @property
    def image(self) -> str:
        name = self.slug if self.caption else "default-share"
        return f"{BASE_URL}/{self.publisher.key}/images/{name}.jpg"

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def load_stories(articles_dir: Path = ARTICLES_DIR) -> dict[Publisher, list[Story]]:
    """Every publisher's stories, oldest first; raises ValueError on a malformed file."""
    return {
        publisher: sorted(
            (_read_story(publisher, path) for path in sorted((articles_dir / publisher.key).glob("*.md"))),
            key=lambda story: story.date,
        )
        for publisher in PUBLISHERS
    }


def _read_story(publisher: Publisher, path: Path) -> Story:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    paragraphs = tuple(" ".join(block.split()) for block in body.split("\n\n") if block.strip())
    words = sum(len(paragraph.split()) for paragraph in paragraphs)
    if not MIN_WORDS <= words <= MAX_WORDS:
        raise ValueError(f"{path}: {words} words, expected {MIN_WORDS}-{MAX_WORDS}")
    if meta["slug"] != path.stem:
        raise ValueError(f"{path}: slug {meta['slug']!r} differs from the file name")
    date = datetime.fromisoformat(meta["date"])
    if date.tzinfo is None:
        raise ValueError(f"{path}: date {meta['date']!r} needs a UTC offset")
    return Story(
        publisher,
        meta["title"],
        meta["slug"],
        date,
        meta["author"],
        meta["section"],
        meta["standfirst"],
        paragraphs,
        meta.get("caption"),
    )

"""Render the demo corpus: demo/articles/<publisher>/*.md -> demo/site/.

Writes every article page, each publisher's front page and discovery files, robots.txt,
the private page and ground-truth.json. The output is deterministic (no timestamps, sorted
keys), so re-running it on unchanged sources changes nothing; commit what it writes.

    python demo/build_site.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from winnow.demo import discovery, layouts
from winnow.demo.chaff import Box, in_body_chaff
from winnow.demo.corpus import ARTICLES_DIR, BASE_URL, Story, load_stories

SITE_DIR = Path(__file__).parent / "site"
GROUND_TRUTH = "ground-truth.json"
RELATED_COUNT = 3


def build(out: Path, articles_dir: Path = ARTICLES_DIR) -> dict[str, str]:
    """Render the site into `out` (replacing a previous build there); returns path -> text."""
    files = render_site(articles_dir)
    if out.exists():
        # Only ever delete a directory this script wrote, never a mistyped --out.
        if any(out.iterdir()) and not (out / GROUND_TRUTH).exists():
            raise SystemExit(f"{out} is not empty and holds no {GROUND_TRUTH}: refusing to replace it")
        shutil.rmtree(out)
    for path, content in files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8", newline="\n")
    return files


def render_site(articles_dir: Path = ARTICLES_DIR) -> dict[str, str]:
    """Every file of the site, by path under the site root."""
    stories = load_stories(articles_dir)
    files: dict[str, str] = {}
    boxes: dict[str, tuple[Box, ...]] = {}
    for publisher, own in stories.items():
        for index, story in enumerate(own):
            boxes[story.path] = in_body_chaff(story, own)
            files[story.path] = layouts.render_article(story, related_to(own, index), boxes[story.path])
        files[f"{publisher.key}/index.html"] = layouts.render_front_page(publisher, own)
    herald, courier, observer = stories.values()
    feeds = {
        "harbour-herald": {"feed.xml": discovery.rss_feed(herald), "sitemap.xml": discovery.urlset(herald)},
        "vale-courier": {"atom.xml": discovery.atom_feed(courier), "sitemap.xml": discovery.urlset(courier)},
        "northgate-observer": discovery.observer_sitemaps(observer),
    }
    for key, named in feeds.items():
        files.update((f"{key}/{name}", content) for name, content in named.items())
    files["robots.txt"] = discovery.robots_txt()
    files[discovery.PRIVATE_PATH] = layouts.render_private_page(
        discovery.PRIVATE_TITLE, f"{BASE_URL}/{discovery.PRIVATE_PATH}"
    )
    files["index.html"] = layouts.render_home(list(stories), {key: sorted(named) for key, named in feeds.items()})
    all_stories = [story for own in stories.values() for story in own]
    files[GROUND_TRUTH] = (
        json.dumps(ground_truth(all_stories, boxes), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return files


def related_to(stories: list[Story], index: int) -> list[Story]:
    """The next few stories after `index`, wrapping around: a stable 'Read more' list."""
    return [stories[(index + step) % len(stories)] for step in range(1, RELATED_COUNT + 1)]


def ground_truth(stories: list[Story], boxes: dict[str, tuple[Box, ...]]) -> dict[str, dict[str, object]]:
    """What an extractor should find on each page (the metadata and the grain), and the chaff
    it should drop from among the paragraphs.

    `body` is the article's paragraphs joined by "\\n"; standfirst, caption, newsletter box,
    donation appeal, share buttons and related links are not part of it.

    `chaff` lists, in page order, every chaff block inside the article's body container
    (`boxes[path]`, from chaff.in_body_chaff): one {"kind", "text"} entry per paragraph,
    heading, list item or form of each block, `text` being its visible text with spaces
    collapsed (e.g. "Read more: <headline>", "Email address Sign up"), `kind` one of
    chaff.KINDS (newsletter, donation, paywall, related, share, cookie, app, other). Chaff
    outside that container (cookie banner, navigation, share bar, a donation box after the
    body, related-stories section, footer) is not listed.
    """
    return {
        s.path: {
            "source": s.publisher.key,
            "title": s.title,
            "author": s.author,
            "published": s.date.isoformat(),
            "standfirst": s.standfirst,
            "body": s.body,
            "chaff": [{"kind": box.kind, "text": line} for box in boxes[s.path] for line in box.texts],
        }
        for s in stories
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="output directory")
    args = parser.parse_args()
    files = build(args.out)
    print(f"wrote {len(files)} files to {args.out}")


if __name__ == "__main__":
    main()

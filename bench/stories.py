"""One story, once: the Scrapinghub pages served three times with small edits, ingested, against
bare trafilatura + bare spaCy NER over every copy; and the story threshold measured. One run:

    .venv/bin/python bench/stories.py [--bench-dir DIR] [--limit N] [--prefect server|ephemeral] [--out FILE]

1. copies: each page is served on 127.0.0.1 three times, by three sources: as it is (`wire-a`),
   with another first line (`wire-b`: a dateline paragraph before the article's first one), and
   with another first line and footer (`wire-c`: a credit line before, a distribution notice
   after its last paragraph); each edit names the page's title. The first and last paragraphs
   are found by the ground truth's first and last lines; a page where they are not found is
   served with the edit at the body's start or end, where the extraction may drop it.
2. baseline: bare `trafilatura.extract(html)` over all the copies, then `nlp.pipe` of the bare
   spaCy model over the texts it gave (as loaded, all its components: the ratio's baseline; and
   its NER alone, reported beside), one process, after a warm-up each;
3. ingest: the `ingest` flow over the three sources from an empty DuckDB file, timed around the
   flow call (discovery, fetch over loopback, extraction, stories, validation, enrichment), with
   the Prefect API already up (`--prefect server`, the default);
4. threshold: the shingle Jaccard (transforms/stories.py) of every pair of stored copies, same
   page or not: the misses (same page, below a threshold) and false merges (different pages,
   at or above it) for several thresholds, and the stories the run itself found.

The targets (issue 17): ingest <= 0.5x the baseline, one story per page. Figures go to stdout as
JSON; progress to stderr.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.child_processes import free_port  # noqa: E402
from bench.datasets import SCRAPINGHUB  # noqa: E402
from bench.ingest import counts, log, warm_duckdb  # noqa: E402
from bench.prefect_server import prefect_api  # noqa: E402
from bench.report import print_result  # noqa: E402

RATIO_TARGET = 0.5
WORD = re.compile(r"\w+")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# Per source: (first line added, footer added), filled with the page's title; None leaves that end
# as it is. Each names its page: a line a source repeats on every page is stripped as chaff.
EDITS = {
    "wire-a": (None, None),
    "wire-b": ("LONDON (Wire B) - {title}, our correspondents report.", None),
    "wire-c": (
        "Published with Wire C: {title}.",
        "Wire C distributed this report on {title}; more of its stories are on its site.",
    ),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/stories.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench-dir", type=Path, default=SCRAPINGHUB, help="the Scrapinghub benchmark's folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    parser.add_argument(
        "--prefect",
        choices=("server", "ephemeral"),
        default="server",
        help="server: a `prefect server start` of its own, its startup timed apart",
    )
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    return parser.parse_args(argv)


def edited(html: bytes, truth: str, first_line: str | None, footer: str | None) -> tuple[bytes, bool]:
    """The page with `first_line` before its article's first paragraph and `footer` after its
    last; and whether both paragraphs were found (else the edits go at the body's ends)."""
    import lxml.html

    tree = lxml.html.fromstring(html.decode("utf-8", errors="replace"))  # the benchmark's pages are UTF-8
    lines = [line.strip() for line in truth.splitlines() if line.strip()]
    first, last = _paragraph(tree, lines[0]), _paragraph(tree, lines[-1])
    title = " ".join((tree.findtext(".//title") or lines[0][:80]).split())
    body = tree.find("body") if tree.find("body") is not None else tree
    if first_line:
        paragraph = lxml.html.Element("p")
        paragraph.text = first_line.format(title=title)
        if first is not None:
            first.addprevious(paragraph)
        else:
            body.insert(0, paragraph)
    if footer:
        paragraph = lxml.html.Element("p")
        paragraph.text = footer.format(title=title)
        if last is not None:
            last.addnext(paragraph)
        else:
            body.append(paragraph)
    return lxml.html.tostring(tree, encoding="utf-8", method="html"), first is not None and last is not None


def _paragraph(tree, line: str):
    """The innermost block element whose words start as `line`'s first six do."""
    start = WORD.findall(line)[:6]
    found = [
        element
        for element in tree.iter("p", "div", "li", "blockquote", "h2", "h3", "td", "section")
        if WORD.findall(element.text_content()[:400])[: len(start)] == start
    ]
    return found[-1] if found else None


def write_site(bench_dir: Path, limit: int | None, site: Path, base_url: str) -> tuple[dict[str, bytes], int]:
    """Every page's three copies under site/<source>/<id>.html, with a sitemap per source;
    returns {url: body} and how many pages had their paragraphs found."""
    truth = json.loads((bench_dir / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    bodies, anchored = {}, 0
    for source, (first_line, footer) in EDITS.items():
        (site / source).mkdir(parents=True)
        urls = []
        for page_id in ids:
            html = gzip.decompress((bench_dir / "html" / f"{page_id}.html.gz").read_bytes())
            body, found = (
                edited(html, truth[page_id]["articleBody"], first_line, footer) if first_line else (html, True)
            )
            anchored += found and source == "wire-c"
            (site / source / f"{page_id}.html").write_bytes(body)
            urls.append(f"{base_url}/{source}/{page_id}.html")
            bodies[urls[-1]] = body
        locs = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
        (site / source / "sitemap.xml").write_text(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
            encoding="utf-8",
        )
    return bodies, anchored


def write_config(path: Path, base_url: str, pages: int) -> None:
    sources = "".join(
        f"  - name: {source}\n    feeds:\n      - kind: sitemap\n        url: {base_url}/{source}/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        for source in EDITS
    )
    path.write_text(
        "# Written by bench/stories.py: the benchmark pages three times, rate limit lifted.\n"
        "defaults:\n"
        '  allowed_networks: ["127.0.0.0/8"]\n'  # the site is on loopback, refused otherwise
        "  rate_limit: 100000.0\n"
        f"  max_pages: {pages}\n"
        "  language: en\n"
        f"sources:\n{sources}",
        encoding="utf-8",
    )


@contextmanager
def served(site: Path, port: int) -> Iterator[None]:
    """The site from its own process, as a remote site would be."""
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)  # http.server binds at once; give it its start-up
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def time_baseline(bodies: list[bytes]) -> dict:
    """Seconds of bare trafilatura over the bodies, then of the bare spaCy model over the texts it
    gave: as loaded, all its components (bench/enrich.py's "plain"), and its NER alone."""
    import spacy
    import trafilatura

    from winnow.schemas.records import DEFAULT_NLP_MODEL

    trafilatura.extract(bodies[0])
    started = time.perf_counter()
    texts = [text for text in (trafilatura.extract(body) for body in bodies) if text]
    trafilatura_s = time.perf_counter() - started
    spacy_s = {}
    for name, nlp in (
        ("model", spacy.load(DEFAULT_NLP_MODEL)),
        ("ner_only", spacy.load(DEFAULT_NLP_MODEL, enable=["ner"])),
    ):
        list(nlp.pipe(texts[:4]))
        started = time.perf_counter()
        list(nlp.pipe(texts, batch_size=16))
        spacy_s[name] = time.perf_counter() - started
    return {
        "trafilatura_s": round(trafilatura_s, 2),
        "spacy_s": round(spacy_s["model"], 2),
        "spacy_ner_only_s": round(spacy_s["ner_only"], 2),
        "texts": len(texts),
        "baseline_s": round(trafilatura_s + spacy_s["model"], 2),
        "baseline_ner_only_s": round(trafilatura_s + spacy_s["ner_only"], 2),
    }


def threshold_figures(db_path: Path) -> dict:
    """Misses and false merges per threshold over every pair of stored copies, and the stories
    the run found against the pages they came from."""
    from winnow.transforms.stories import jaccard, shingles
    from winnow.warehouse.query import run_query

    rows = run_query(db_path, "select url, text, story_id from articles").rows
    copies = [(url.rsplit("/", 1)[1], shingles(text), story) for url, text, story in rows]
    same, other = [], []
    for (page_a, a, _), (page_b, b, _) in combinations(copies, 2):
        (same if page_a == page_b else other).append(jaccard(a, b))
    pages_of = {}
    for page, _, story in copies:
        pages_of.setdefault(story, set()).add(page)
    stories_of = {}
    for page, _, story in copies:
        stories_of.setdefault(page, set()).add(story)
    return {
        "copies": len(copies),
        "pages": len(stories_of),
        "stories_found": len(pages_of),
        "pages_split": sum(len(stories) > 1 for stories in stories_of.values()),
        "stories_merging_pages": sum(len(pages) > 1 for pages in pages_of.values()),
        "same_page_pairs": len(same),
        "distinct_pairs": len(other),
        "same_page_jaccard_min": round(min(same, default=0.0), 3),
        "distinct_jaccard_max": round(max(other, default=0.0), 3),
        "by_threshold": {
            str(t): {
                "miss_rate": round(sum(s < t for s in same) / max(len(same), 1), 4),
                "false_merge_rate": round(sum(o >= t for o in other) / max(len(other), 1), 6),
            }
            for t in THRESHOLDS
        },
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="winnow-stories-"))
    try:
        with prefect_api(args.prefect, tmp, log):
            result = _bench(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_result(result, args.out)
    return result


def _bench(args: argparse.Namespace, tmp: Path) -> dict:
    from winnow.flows.extraction_pool import default_workers
    from winnow.flows.ingest import ingest

    warm_duckdb()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    bodies, anchored = write_site(args.bench_dir, args.limit, tmp / "site", base_url)
    pages = len(bodies) // len(EDITS)
    config, db_path = tmp / "sources.yaml", tmp / "stories.duckdb"
    write_config(config, base_url, pages)
    log(f"{len(bodies)} copies of {pages} pages ({anchored} with both paragraphs found); baseline ...")
    baseline = time_baseline(list(bodies.values()))
    log(f"baseline: {baseline}")
    with served(tmp / "site", port):
        log("ingest ...")
        started = time.perf_counter()
        summary = ingest(config_path=str(config), db_path=str(db_path), extract_workers=default_workers())
        ingest_s = time.perf_counter() - started
    log(f"ingest: {ingest_s:.1f} s, {counts(summary)}")
    ratio = ingest_s / baseline["baseline_s"]
    flow_s = summary.seconds  # the flow alone: without the Prefect API's start or the flow call's own overhead
    return {
        "date": time.strftime("%Y-%m-%d"),
        "loadavg_at_end": round(os.getloadavg()[0], 2),
        "copies_served": len(bodies),
        "pages": pages,
        "pages_with_paragraphs_found": anchored,
        "baseline": baseline,
        "ingest_s": round(ingest_s, 2),
        "ratio": round(ratio, 3),
        "ratio_target": RATIO_TARGET,
        "ratio_met": ratio <= RATIO_TARGET,
        "ratio_ner_only": round(ingest_s / baseline["baseline_ner_only_s"], 3),
        "flow_s": round(flow_s, 2),
        "run": counts(summary),
        "stories": threshold_figures(db_path),
    }


if __name__ == "__main__":
    main()

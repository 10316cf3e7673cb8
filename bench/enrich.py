"""Enrichment speed and quality: winnow's enrich stage against plain spaCy with the same model,
same texts, then the real-news gold's figures, in one run.

    .venv/bin/python bench/enrich.py [--bench-dir DIR] [--limit N] [--repeat N] [--workers 2] [--gold FILE]

The texts are the article bodies of the Scrapinghub benchmark's ground truth (real news, no
titles or dates), or the demo corpus's bodies when that data is absent. Each system is warmed up
first (model loaded, on every worker), then timed once over all the texts:

1. plain: `spacy.load(model)` with all its default components, `list(nlp.pipe(texts, batch_size=16))`
   in this process;
2. winnow, 1 process: `enricher(EnrichOptions()).enrich(inputs)` in this process, then
   `consolidate` (one type per name across the batch), as the flow does;
3. winnow, N processes: `enrich_articles(inputs, EnrichOptions(), N)`, the pipeline's process pool,
   then `consolidate`.

Words are `len(text.split())` summed over the texts, the same count for every line. The target
(from the issue) is winnow's words/s >= 0.9 of plain's; it is reported, not asserted.

Then the quality on the real-news gold (`--gold`, default bench.datasets.NEWS_EVENTS_GOLD):
the gold's own scorer (score.py beside it) matches and counts, with each article's page run
through `flows.strip.extract_document` in this process, the code `winnow extract --json` runs,
instead of one `winnow extract` process per page. The figures are printed beside the issue's
targets.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from bench.datasets import NEWS_EVENTS_GOLD, SCRAPINGHUB  # noqa: E402
from winnow.demo.corpus import load_stories  # noqa: E402
from winnow.flows.console import enrichment_json  # noqa: E402
from winnow.flows.extraction_pool import enrich_articles, warm_up  # noqa: E402
from winnow.flows.strip import extract_document  # noqa: E402
from winnow.schemas.config import EnrichOptions  # noqa: E402
from winnow.schemas.records import EnrichInput  # noqa: E402
from winnow.transforms.enrich.consolidate import consolidate  # noqa: E402
from winnow.transforms.enrich.enricher import enricher  # noqa: E402

TARGET = 0.9  # winnow's words/s over plain nlp.pipe's
# The targets on the real-news gold (issue 14): measure -> (target, higher is better).
GOLD_TARGETS = {
    "event_precision": 0.80,
    "event_recall": 0.60,
    "strict_f1": 0.55,
    "dated_events_dated_right": 0.70,
    "participants_right": 0.85,
    "entity_precision": 0.90,
    "entity_recall": 0.92,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/enrich.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bench-dir",
        type=Path,
        default=SCRAPINGHUB,
        help=f"Scrapinghub benchmark folder holding ground-truth.json (default {SCRAPINGHUB})",
    )
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the corpus N times (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the pooled winnow line (default 2)")
    parser.add_argument(
        "--gold",
        type=Path,
        default=NEWS_EVENTS_GOLD,
        help=f"real-news gold to score, with score.py beside it (default {NEWS_EVENTS_GOLD})",
    )
    args = parser.parse_args(argv)
    if (args.limit is not None and args.limit < 1) or args.repeat < 1 or args.workers < 2:
        parser.error("--limit and --repeat must be at least 1, --workers at least 2")
    return args


def load_corpus(bench_dir: Path) -> tuple[str, list[EnrichInput]]:
    """The benchmark's ground-truth bodies if present, else the demo corpus's bodies; and which."""
    truth = bench_dir / "ground-truth.json"
    if truth.is_file():
        pages = json.loads(truth.read_text(encoding="utf-8"))
        return (
            f"Scrapinghub ground truth ({truth})",
            [EnrichInput(id, None, pages[id]["articleBody"], None) for id in sorted(pages)],
        )
    stories = [story for publisher in load_stories().values() for story in publisher]
    return (
        f"demo corpus (no {truth})",
        [EnrichInput(story.slug, None, story.body, story.date.date()) for story in stories],
    )


def timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source, articles = load_corpus(args.bench_dir)
    articles = articles[: args.limit]
    inputs = [
        EnrichInput(f"{a.article_id}#{n}", a.title, a.text, a.published) for n in range(args.repeat) for a in articles
    ]
    texts = [a.text for a in inputs]
    words = sum(len(text.split()) for text in texts)
    options = EnrichOptions()
    model = options.model_for("en")
    print(f"texts: {source}; {len(articles)} articles x {args.repeat} = {len(texts)} texts, {words} words")
    print(
        f"model {model}, spaCy {spacy.__version__}, {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.2f} at the start"
    )

    warm_up(args.workers)  # start the pool while this process loads its models
    nlp = spacy.load(model)
    list(nlp.pipe(texts[:16], batch_size=16))
    enrich = enricher(options)
    enrich.enrich(inputs[:4])
    enrich_articles(inputs[: 2 * args.workers], options, args.workers)  # each worker loads its model

    plain_s, docs = timed(lambda: list(nlp.pipe(texts, batch_size=16)))
    one_s, found = timed(lambda: consolidate(enrich.enrich(inputs), {}))
    pooled_s, pooled = timed(lambda: consolidate(enrich_articles(inputs, options, args.workers), {}))

    print(
        f"plain components: {', '.join(nlp.pipe_names)};"
        f" winnow's: {', '.join(enrich.pipeline('en', model).nlp.pipe_names)}"
    )
    rows = [
        ("plain nlp.pipe, all components, 1 process", plain_s),
        ("winnow enrich, 1 process", one_s),
        (f"winnow enrich, {args.workers} processes", pooled_s),
    ]
    print(f"{'':<44}{'words':>9}{'seconds':>9}{'words/s':>9}{'/ plain':>9}")
    for name, seconds in rows:
        print(f"{name:<44}{words:>9}{seconds:>9.2f}{words / seconds:>9.0f}{plain_s / seconds:>9.2f}")
    per_kw = 1000 / words
    print(
        f"per 1000 words: winnow {sum(len(e.entities) for e in found) * per_kw:.1f} entities"
        f" (distinct per article), {sum(m.count for e in found for m in e.mentions) * per_kw:.1f} mentions,"
        f" {sum(len(e.events) for e in found) * per_kw:.2f} events;"
        f" plain {sum(len(doc.ents) for doc in docs) * per_kw:.1f} entity spans (all labels)"
    )
    print(f"winnow results, 1 process and {args.workers}: {'identical' if found == pooled else 'DIFFERENT'}")
    for name, seconds in rows[1:]:
        ratio = plain_s / seconds
        print(f"target {name} >= {TARGET} of plain: {ratio:.2f}, {'met' if ratio >= TARGET else 'NOT met'}")
    if args.gold.is_file():
        print_gold_figures(args.gold, options)
    else:
        print(f"no real-news gold at {args.gold}: quality not scored")
    return 0


def print_gold_figures(gold: Path, options: EnrichOptions) -> None:
    """The gold's own scorer over its articles, each page run through `winnow extract`'s code here."""
    spec = importlib.util.spec_from_file_location("gold_score", gold.parent / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)

    def extract(_winnow: str, article: dict, _text_mode: bool, truth: dict) -> dict:
        key = next(k for k in truth if k.startswith(article["id"]))
        published = date.fromisoformat(article["published"])
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "page.html"
            page.write_bytes(gzip.decompress((scorer.BENCH / "html" / f"{key}.html.gz").read_bytes()))
            found, when = extract_document(str(page), published, options)
        return enrichment_json(found, when)

    scorer.run_winnow = extract
    started = time.perf_counter()
    figures = scorer.score("winnow", gold, False, False)
    print(
        f"\nreal-news gold: {gold}, {figures['articles']} articles, {figures['gold_events']} events;"
        f" winnow found {figures['system_events']} ({time.perf_counter() - started:.1f} s)"
    )
    print(f"{'measure':<28}{'winnow':>8}{'target':>8}")
    for measure in (
        "entity_precision",
        "entity_recall",
        "event_precision",
        "event_recall",
        "event_f1",
        "strict_precision",
        "strict_recall",
        "strict_f1",
        "participants_right",
        "dated_events_dated_right",
    ):
        target = GOLD_TARGETS.get(measure)
        verdict = "" if target is None else f"{target:>8.2f}  {'met' if figures[measure] >= target else 'NOT met'}"
        print(f"{measure:<28}{figures[measure]:>8.3f}{verdict}")


if __name__ == "__main__":
    sys.exit(main())

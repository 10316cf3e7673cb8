"""Article-body extraction on two sets, winnow against plain trafilatura, in one process: the
Scrapinghub benchmark (shingle scores) and trafilatura's evaluation set (strings kept and left out).

    .venv/bin/python bench/extraction.py [--data DIR] [--strings-data DIR] [--systems a,b] [--limit N]
                                        [--repeat 3] [--dump DIR] [--out FILE] [--json]
    .venv/bin/python bench/extraction.py --self-check

Every page is decompressed first, and each system makes one warm-up call. Then, page by page, the
systems take turns (in a rotating order) to extract it, and each extract call is timed on its own:
a slow spell on a shared machine hits every system alike. This is repeated (--repeat); a system's
time is the sum over pages of its fastest call on each page. Scores use the benchmark's shingle
metric (bench/shingles.py), with ± from a seeded bootstrap over pages. winnow is compared page by
page with plain `trafilatura.extract(html)` and checked against the issue's targets. On the
second set, winnow and `trafilatura.extract(html, url=url)` are timed the same way and scored by
the share of must-keep strings kept and of must-drop strings (and appeals) absent
(bench/kept_strings.py).
The table goes to stderr and one JSON object to stdout (--json: the JSON only).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import lxml.etree  # noqa: E402
import trafilatura  # noqa: E402

from bench.datasets import SCRAPINGHUB, TRAFILATURA_EVAL  # noqa: E402
from bench.extraction_systems import BASELINE, SAME_WORK, STRING_SYSTEMS, SYSTEMS, WINNOW, Extractor  # noqa: E402
from bench.extraction_tables import string_table, table  # noqa: E402
from bench.kept_strings import StringPage, load_string_pages, string_scores  # noqa: E402
from bench.report import print_result  # noqa: E402
from bench.shingles import PageScore, bootstrap_std, corpus_scores, score_page, self_check  # noqa: E402

TARGETS = {"f1": 0.975, "precision": 0.97, "max_recall_drop": 0.05, "speed_ratio": 0.80}
STRING_TARGETS = {"with_kept": 0.945, "without_absent": 0.95, "appeals_absent": 0.97, "max_time_ratio": 1.25}
QUIET = False


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: bytes
    truth: str


def log(message: str) -> None:
    if not QUIET:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/extraction.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SCRAPINGHUB, help=f"benchmark folder (default {SCRAPINGHUB})")
    parser.add_argument(
        "--strings-data",
        type=Path,
        default=TRAFILATURA_EVAL,
        help=f"the set of must-keep and must-drop strings (default {TRAFILATURA_EVAL})",
    )
    parser.add_argument(
        "--systems", default=",".join(SYSTEMS), help=f"comma-separated subset of: {', '.join(SYSTEMS)} (default: all)"
    )
    parser.add_argument("--limit", type=int, help="only the first N pages (by id), for a quick run")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed passes over the pages; each page's fastest call counts (default 3)"
    )
    parser.add_argument("--dump", type=Path, help="write each system's predictions to DIR/<system>.json")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument("--json", action="store_true", help="print the JSON only (no table, no progress)")
    parser.add_argument("--self-check", action="store_true", help="check the metric on tiny cases and exit")
    args = parser.parse_args(argv)
    args.systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    if unknown := [name for name in args.systems if name not in SYSTEMS]:
        parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    if (args.limit is not None and args.limit < 1) or args.repeat < 1:
        parser.error("--limit and --repeat must be at least 1")
    if not args.self_check and not (args.data / "ground-truth.json").is_file():
        parser.error(f"no benchmark at {args.data} (expected ground-truth.json and html/<id>.html.gz); pass --data DIR")
    if not args.self_check and not (args.strings_data / "evaldata.json").is_file():
        parser.error(f"no string set at {args.strings_data} (expected evaldata.json and html/<file>.gz)")
    return args


def load_pages(data: Path, limit: int | None) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    return [
        Page(
            id,
            truth[id]["url"],
            gzip.decompress((data / "html" / f"{id}.html.gz").read_bytes()),
            truth[id]["articleBody"],
        )
        for id in ids
    ]


def run_systems(
    names: list[str], pages: list[Page] | list[StringPage], repeat: int, systems: dict[str, Extractor] = SYSTEMS
) -> tuple[dict, dict]:
    """Each system's predictions, and the seconds of each of its extract calls, as [pass][page]."""
    for name in names:
        systems[name](pages[0].html, pages[0].url)  # warm-up: lazy imports, caches
    predictions = {name: [""] * len(pages) for name in names}
    seconds = {name: [[0.0] * len(pages) for _ in range(repeat)] for name in names}
    for run in range(repeat):
        for i, page in enumerate(pages):
            for turn in range(len(names)):
                name = names[(i + turn) % len(names)]
                started = time.perf_counter()
                predictions[name][i] = systems[name](page.html, page.url)
                seconds[name][run][i] = time.perf_counter() - started
        log(
            f"pass {run + 1}/{repeat}: "
            + ", ".join(f"{name} {len(pages) / sum(seconds[name][run]):.1f}" for name in names)
            + " pages/s"
        )
    return predictions, seconds


def summarise(scores: list[PageScore], predictions: list[str], seconds: list[list[float]]) -> dict:
    means, spread = corpus_scores(scores), bootstrap_std(scores)
    best = sum(min(calls) for calls in zip(*seconds))  # each page's fastest call
    return {
        **{name: round(value, 4) for name, value in means.items()},
        **{f"{name}_std": round(value, 4) for name, value in spread.items()},
        "empty_predictions": sum(not text.strip() for text in predictions),
        "seconds": round(best, 3),
        "pages_per_s": round(len(scores) / best, 1),
        "seconds_per_pass": [round(sum(run), 3) for run in seconds],
    }


def recall_regressions(pages: list[Page], base: list[PageScore], ours: list[PageScore]) -> list[dict]:
    """Pages where winnow's recall is more than the allowed drop below the baseline's, worst first."""
    drops = [
        {
            "id": page.id,
            "host": urlsplit(page.url).hostname,
            "recall_" + BASELINE: round(b.recall, 4),
            "recall_" + WINNOW: round(o.recall, 4),
            "drop": round(b.recall - o.recall, 4),
        }
        for page, b, o in zip(pages, base, ours)
        if b.recall - o.recall > TARGETS["max_recall_drop"]
    ]
    return sorted(drops, key=lambda row: -row["drop"])


def compare(systems: dict[str, dict], pages: list[Page], scores: dict[str, list[PageScore]]) -> dict:
    if BASELINE not in systems or WINNOW not in systems:
        return {"note": f"needs both {BASELINE} and {WINNOW} in --systems"}
    ours = corpus_scores(scores[WINNOW])  # unrounded, for the targets
    regressions = recall_regressions(pages, scores[BASELINE], scores[WINNOW])
    speed_ratio = systems[BASELINE]["seconds"] / systems[WINNOW]["seconds"]  # winnow's pages/s over the baseline's
    same_work = (
        {"speed_ratio_winnow_to_" + SAME_WORK: round(systems[SAME_WORK]["seconds"] / systems[WINNOW]["seconds"], 3)}
        if SAME_WORK in systems
        else {}
    )
    return {
        "speed_ratio_winnow_to_" + BASELINE: round(speed_ratio, 3),
        **same_work,
        "recall_regressions": len(regressions),
        "worst_recall_regressions": regressions[:10],
        "targets": TARGETS,
        "targets_met": {
            "f1": ours["f1"] >= TARGETS["f1"],
            "precision": ours["precision"] >= TARGETS["precision"],
            "no_page_recall_drop": not regressions,
            "speed": speed_ratio >= TARGETS["speed_ratio"],
        },
    }


def string_set(data: Path, limit: int | None, repeat: int) -> dict:
    """Both systems on the string set: each one's shares and time, and winnow's against the targets."""
    pages = load_string_pages(data, limit)
    log(f"string set: {len(pages)} pages")
    predictions, seconds = run_systems(list(STRING_SYSTEMS), pages, repeat, STRING_SYSTEMS)
    systems = {
        name: {
            **{key: round(value, 4) for key, value in string_scores(pages, predictions[name]).items()},
            "seconds": round(sum(min(calls) for calls in zip(*seconds[name])), 3),
        }
        for name in STRING_SYSTEMS
    }
    ours = string_scores(pages, predictions[WINNOW])  # unrounded, for the targets
    time_ratio = systems[WINNOW]["seconds"] / systems[BASELINE]["seconds"]
    met = {name: ours[name] >= STRING_TARGETS[name] for name in ("with_kept", "without_absent", "appeals_absent")}
    return {
        "data": str(data),
        "pages": len(pages),
        "systems": systems,
        "time_ratio_winnow_to_" + BASELINE: round(time_ratio, 3),
        "targets": STRING_TARGETS,
        "targets_met": {**met, "time": time_ratio <= STRING_TARGETS["max_time_ratio"]},
    }


def winnow_code() -> dict:
    """Which winnow code was measured: the commit, and whether extraction code differs from it."""

    def git(*command: str) -> str | None:
        done = subprocess.run(["git", "-C", str(ROOT), *command], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    changed = git("status", "--porcelain", "--", "transforms", "schemas")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": None if changed is None else bool(changed),
    }


def dump(folder: Path, name: str, pages: list[Page], predictions: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    body = {page.id: {"articleBody": text} for page, text in zip(pages, predictions)}
    text = json.dumps(body, ensure_ascii=False, indent=1)
    (folder / f"{name}.json").write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    global QUIET
    args = parse_args(argv)
    if args.self_check:
        problems = self_check()
        print("\n".join(problems) or "metric self-check: all cases pass", file=sys.stderr)
        return 1 if problems else 0
    QUIET = args.json
    loadavg = os.getloadavg()[0]  # other work on the machine skews the speed figures
    pages = load_pages(args.data, args.limit)
    log(f"{len(pages)} pages decompressed ({sum(len(page.html) for page in pages) / 1e6:.1f} MB of HTML)")
    predictions, seconds = run_systems(args.systems, pages, args.repeat)
    systems, scores = {}, {}
    for name in args.systems:
        scores[name] = [score_page(text, page.truth) for text, page in zip(predictions[name], pages)]
        systems[name] = summarise(scores[name], predictions[name], seconds[name])
        if args.dump:
            dump(args.dump, name, pages, predictions[name])
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "data": str(args.data),
        "pages": len(pages),
        "systems": systems,
        "comparison": compare(systems, pages, scores),
        "strings": string_set(args.strings_data, args.limit, args.repeat),
        "timing": {
            "passes": args.repeat,
            "seconds": "sum over pages of each page's fastest call",
            "order": "systems take turns page by page, rotating",
            "warm_up_calls": 1,
        },
        "bootstrap": {"resamples": 1000, "seed": 0},
        "winnow_code": winnow_code(),
        "versions": {
            "python": platform.python_version(),
            "trafilatura": trafilatura.__version__,
            "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        },
        "cpu_count": os.cpu_count(),
        "loadavg_1m_at_start": round(loadavg, 2),
    }
    if not args.json:
        print(table(result) + "\n" + string_table(result["strings"]), file=sys.stderr)
    print_result(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Scrapinghub article-extraction benchmark's metric, written for winnow from its description.

A text is a multiset of word 4-grams ("shingles") over its `\\w+` tokens, case kept. Each page is
scored by how far its predicted and true shingles overlap, and the corpus scores are plain means
over pages: the benchmark's own definition, which bench/README.md spells out under "Metric".
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from statistics import fmean, stdev

TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


def tokens(text: str | None) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    """Every run of 4 consecutive words, counted; a shorter text is one short shingle, none if empty."""
    if len(words) < SHINGLE_SIZE:
        return Counter([tuple(words)] if words else [])
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    tp: int  # shingles in both (the smaller count of each)
    fp: int  # predicted more often than true
    fn: int  # true more often than predicted
    precision: float | None  # None for an empty prediction: left out of the precision mean
    recall: float
    exact: bool  # the same token sequence as the truth


def score_page(predicted: str | None, truth: str) -> PageScore:
    predicted_words, true_words = tokens(predicted), tokens(truth)
    found, wanted = shingles(predicted_words), shingles(true_words)
    tp = sum((found & wanted).values())
    fp = sum((found - wanted).values())
    fn = sum((wanted - found).values())
    if fp == 0 and fn == 0:  # identical multisets, including both empty
        precision, recall = 1.0, 1.0
    else:
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else 0.0  # nothing to find, but something wrong was found
    return PageScore(tp, fp, fn, precision, recall, predicted_words == true_words)


def corpus_scores(pages: list[PageScore]) -> dict[str, float]:
    """Macro means over pages; F1 is the harmonic mean of mean precision and mean recall."""
    precisions = [page.precision for page in pages if page.precision is not None]
    precision = fmean(precisions) if precisions else 0.0
    recall = fmean(page.recall for page in pages)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": fmean(page.exact for page in pages)}


def bootstrap_std(pages: list[PageScore], resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Standard deviation of each corpus score over resamples of the pages (with replacement).

    The seed is fixed, so two systems scored on the same pages see the same resamples."""
    rng = random.Random(seed)
    draws = [corpus_scores(rng.choices(pages, k=len(pages))) for _ in range(resamples)]
    return {name: stdev(draw[name] for draw in draws) for name in draws[0]}


def self_check() -> list[str]:
    """The metric on tiny hand-made cases; returns what went wrong (empty when all is well)."""
    text = "The quick brown fox jumps over the lazy dog"  # 9 tokens, 6 shingles
    cases = [
        ("identical texts", score_page(text, text), 1.0, 1.0, True),
        (
            "same tokens, other punctuation",
            score_page("The quick, brown fox: jumps over the lazy dog!", text),
            1.0,
            1.0,
            True,
        ),
        ("case is kept", score_page(text.upper(), text), 0.0, 0.0, False),
        ("disjoint texts", score_page("Cats sleep all day long here", text), 0.0, 0.0, False),
        ("empty prediction", score_page("", text), None, 0.0, False),
        ("both empty", score_page("", ""), 1.0, 1.0, True),
        ("prediction adds a line", score_page(text + " Sign up now", text), 6 / 9, 1.0, False),
        ("prediction keeps half", score_page("The quick brown fox jumps over", text), 1.0, 3 / 6, False),
        ("under 4 tokens, equal", score_page("Hello, world", "Hello world"), 1.0, 1.0, True),
        ("under 4 tokens, different", score_page("Hello there", "Hello world"), 0.0, 0.0, False),
        ("repeated shingles count", score_page(text + " " + text, text), 6 / 15, 1.0, False),
    ]
    problems = []
    for name, score, precision, recall, exact in cases:
        if (score.precision, score.recall, score.exact) != (precision, recall, exact):
            problems.append(
                f"{name}: got P={score.precision} R={score.recall} exact={score.exact},"
                f" want P={precision} R={recall} exact={exact}"
            )
    corpus = corpus_scores([score_page(text, text), score_page("", text)])
    if (corpus["precision"], corpus["recall"], corpus["f1"]) != (1.0, 0.5, 2 / 3):
        problems.append(f"an empty prediction must count against recall only: got {corpus}")
    if bootstrap_std([score_page(text, text)] * 5, resamples=20)["f1"] != 0.0:
        problems.append("bootstrap over identical pages must have no spread")
    return problems

"""Chaff learned from repetition: a block found in many of a source's articles is that source's
boilerplate (its newsletter box, its appeal, its "more from us" line), whatever it says.

The counts live in the warehouse; this module only computes block keys and applies counts.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from winnow.schemas.records import Article, ChaffBlock
from winnow.transforms.chaff.lexicon import lexicon_for
from winnow.transforms.chaff.paywall import ends_in_paywall
from winnow.transforms.chaff.strip import clean_text
from winnow.transforms.hashing import sha256_hex

_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
# When most of an article's words are in blocks seen elsewhere, the article itself recurs (a copy
# or a syndicated story): its paragraphs are grain, and nothing is removed from it.
MAX_REPEATED_SHARE = 0.5
# A load asks for each block's key three times (the batch's keys, its counts, each article's
# strip): the keys of a few batches' blocks are kept.
BLOCK_KEYS_CACHED = 16_384


@lru_cache(maxsize=BLOCK_KEYS_CACHED)
def block_key(text: str) -> str | None:
    """A key equal for blocks that differ only in case, punctuation, spacing and numbers
    (a date or a count in a recurring box); None for a block with no words."""
    words = _WORD.findall(_DIGITS.sub("0", text.lower()))
    if not words:
        return None
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest()


def article_block_keys(article: Article) -> dict[str, str]:
    """Each distinct block key of the article, with the block's text."""
    keys: dict[str, str] = {}
    for block in article.blocks:
        key = block_key(block)
        if key is not None:
            keys.setdefault(key, block)
    return keys


def batch_block_keys(articles: list[Article]) -> list[str]:
    """Every block key in a batch of articles, once."""
    return sorted({key for article in articles for key in article_block_keys(article)})


def strip_repeated_batch(articles: list[Article], stored: Mapping[str, int], min_articles: int) -> list[Article]:
    """Strip a batch of one source's articles of the blocks repeated across the source, counting
    the batch's own articles as well as the `stored` counts (of the source's other articles)."""
    if min_articles <= 0:
        return articles
    latest = {article.article_id: article for article in articles}
    own = Counter(key for article in latest.values() for key in article_block_keys(article))
    counts = {key: stored.get(key, 0) + count for key, count in own.items()}
    return [strip_repeated(article, counts, min_articles) for article in articles]


def strip_repeated(article: Article, counts: Mapping[str, int], min_articles: int) -> Article:
    """The article without its blocks that occur in at least `min_articles` of its source's
    articles (`counts`: block key -> number of articles, this one included)."""
    if min_articles <= 0:
        return article
    removed = {c.position for c in article.chaff}
    repeated = {}
    for position, block in enumerate(article.blocks):
        key = block_key(block)
        if position not in removed and key is not None and counts.get(key, 0) >= min_articles:
            repeated[position] = counts[key]
    if not repeated:
        return article
    words = [len(_WORD.findall(block)) for block in article.blocks]
    kept_words = sum(count for position, count in enumerate(words) if position not in removed) or 1
    if sum(words[position] for position in repeated) / kept_words > MAX_REPEATED_SHARE:
        return article
    lexicon = lexicon_for(article.language)
    learned = [
        ChaffBlock(
            position,
            article.blocks[position],
            _kind(article.blocks[position], lexicon),
            "repetition",
            f"in {count} articles of {article.source}",
        )
        for position, count in repeated.items()
    ]
    chaff = tuple(sorted((*article.chaff, *learned), key=lambda c: c.position))
    text = clean_text(article.blocks, chaff)
    return replace(
        article,
        chaff=chaff,
        text=text,
        word_count=len(_WORD.findall(text)),
        content_hash=sha256_hex(text),
        paywalled=article.paywalled or ends_in_paywall(article.blocks, chaff),
    )


def _kind(text: str, lexicon) -> str:
    """The kind a recurring block most likely is, by the lexicon's phrases; "other" if none."""
    for level in ("strong", "weak"):
        if (found := lexicon.first_match(level, text, text.lower())) is not None:
            return found[0].kind
    return "other"

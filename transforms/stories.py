"""One story, once: which articles tell the same story as each other, from their clean text.

Two texts are the same story when the Jaccard similarity of their sets of word 5-grams
("shingles", lower-cased) is at least SIMILARITY: a copy with another first line, header or
footer stays far above it, distinct articles far below (bench/stories.py measures both). The
candidates to compare are found by MinHash locality-sensitive hashing: each text's MinHash
signature is cut into bands, and texts sharing a band key are compared exactly. The band keys
are what the warehouse stores and looks up; the comparison itself is exact, so a band collision
never merges two stories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from hashlib import blake2b

import numpy as np

SIMILARITY = 0.5  # least shingle Jaccard of two copies of one story (bench/stories.py, README "Stories")
SHINGLE_WORDS = 5
PERMUTATIONS = 60
# 20 bands of 3: a pair at Jaccard 0.5 shares a band with probability 0.93, at 0.6 0.99; one at
# 0.1, 0.02 (an exact comparison for nothing). 16 bands of 4 stored less but found 0.5 at 0.64.
BAND_ROWS = 3
_PRIME = np.uint64((1 << 61) - 1)
# Fixed seed: signatures must agree across processes and runs, since their bands are stored.
_RANDOM = np.random.default_rng(17)
_A = _RANDOM.integers(1, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)
_B = _RANDOM.integers(0, (1 << 61) - 1, PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")
_EMPTY_HASH = blake2b(digest_size=8)
_MERSENNE_BITS = np.uint64(61)  # _PRIME is 2**61 - 1


@dataclass(frozen=True)
class Copy:
    """An article's text as the story matching sees it; `story_id` is None for one not yet placed."""

    article_id: str
    content_hash: str
    text: str
    story_id: str | None = None
    stored_bands: tuple[int, ...] | None = None  # a stored copy's band keys, as the warehouse keeps them

    # Computed once per copy, when needed (a few ms a text): a stored copy's bands are read, and its
    # shingles made only where a batch copy shares a band with it. Else every new copy of a wire
    # story would shingle all its stored copies again.
    @cached_property
    def hashes(self) -> np.ndarray:
        return shingle_hashes(self.text)

    # The set only where a copy is compared: a copy with no candidate needs its band keys alone.
    @cached_property
    def grams(self) -> frozenset[int]:
        return frozenset(self.hashes.tolist())

    @cached_property
    def bands(self) -> list[int]:
        return list(self.stored_bands) if self.stored_bands is not None else band_keys(self.hashes)


def shingles(text: str) -> frozenset[int]:
    """The text's word 5-grams as stable 64-bit hashes; a shorter text is one shingle."""
    return frozenset(shingle_hashes(text).tolist())


def shingle_hashes(text: str) -> np.ndarray:
    """The hashes of `shingles`, in the text's order, a repeated gram as often as it comes."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        grams = [" ".join(words)] if words else []
    else:  # the words zipped with their followers: cheaper than a slice a gram
        grams = map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS))))
    # The digests read as one array: an int made of each in Python took a third of the time. Each
    # hasher a copy of an empty one: a fifth faster than making one with its digest size.
    digests = []
    for gram in grams:
        hasher = _EMPTY_HASH.copy()
        hasher.update(gram.encode())
        digests.append(hasher.digest())
    return np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64)


def band_keys(hashes: np.ndarray) -> list[int]:
    """The MinHash signature's band keys (signed 64-bit) of a text's shingle hashes (shingle_hashes),
    one per band; none for an empty text. A repeated hash changes no minimum."""
    if not len(hashes):
        return []
    with np.errstate(over="ignore"):  # the multiply wraps modulo 2**64 by design, as in datasketch
        products = hashes[:, None] * _A
        products += _B
    signature = mod_prime(products).min(axis=0)
    return [
        _hash64(f"{band}:" + signature[band * BAND_ROWS : (band + 1) * BAND_ROWS].tobytes().hex())
        for band in range(PERMUTATIONS // BAND_ROWS)
    ]


def mod_prime(values: np.ndarray) -> np.ndarray:
    """`values % _PRIME`, in place, without a division: 2**61 is 1 modulo 2**61 - 1, so a value
    is its low 61 bits plus the bits above them, less the prime once where that reaches it."""
    low = values & _PRIME
    values >>= _MERSENNE_BITS
    values += low
    return np.subtract(values, _PRIME, out=values, where=values >= _PRIME)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def assign_stories(batch: list[Copy], known: Iterable[Copy]) -> dict[str, str]:
    """The story of each article of `batch`, in order: that of a known or earlier copy with the
    same text, else of the most similar one at SIMILARITY or above, else a story of its own
    (named by its text's hash, so the same text founds the same story everywhere)."""
    index = _Index()
    for copy in known:
        index.add(copy, copy.story_id)
    stories = {}
    for copy in batch:
        story = index.exact.get(copy.content_hash) or index.most_similar(copy) or copy.content_hash[:32]
        stories[copy.article_id] = story
        index.add(copy, story)
    return stories


class _Index:
    """Placed copies by text hash and by band key."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self.placed: list[tuple[str, Copy]] = []
        self.bands: dict[int, list[int]] = {}  # band key -> positions in `placed`

    def add(self, copy: Copy, story: str) -> None:
        self.exact.setdefault(copy.content_hash, story)
        for key in copy.bands:
            self.bands.setdefault(key, []).append(len(self.placed))
        self.placed.append((story, copy))

    def most_similar(self, copy: Copy) -> str | None:
        candidates = {position for key in copy.bands for position in self.bands.get(key, ())}
        scored = [(jaccard(copy.grams, self.placed[p][1].grams), self.placed[p][0]) for p in sorted(candidates)]
        best = max(scored, default=(0.0, None), key=lambda pair: pair[0])
        return best[1] if best[0] >= SIMILARITY else None


def _hash64(text: str) -> int:
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)

"""Which articles tell one story: exact copies, copies with small edits, and distinct articles."""

from pathlib import Path

import numpy as np

from winnow.transforms.hashing import sha256_hex
from winnow.transforms.stories import (
    SIMILARITY,
    Copy,
    assign_stories,
    band_keys,
    jaccard,
    mod_prime,
    shingle_hashes,
    shingles,
)

STORIES = Path(__file__).parent.parent / "fixtures" / "stories"
CRANE = (STORIES / "harbour-crane.txt").read_text(encoding="utf-8")
LIBRARY = (STORIES / "library-roof.txt").read_text(encoding="utf-8")


def copy(article_id: str, text: str, story_id: str | None = None) -> Copy:
    return Copy(article_id, sha256_hex(text), text, story_id)


def new_first_line(text: str) -> str:
    return "EASTWICK (Coastal Wire) - Updated at 14:05 with the authority's statement.\n" + text.split("\n", 1)[1]


def new_footer(text: str) -> str:
    return text + "\nThis story was distributed by Coastal Wire. Copyright 2026, all rights reserved. Follow us."


def test_a_copy_with_small_edits_is_well_above_the_threshold_and_distinct_articles_far_below():
    crane = shingles(CRANE)
    assert jaccard(crane, shingles(new_footer(new_first_line(CRANE)))) > SIMILARITY + 0.2
    assert jaccard(crane, shingles(LIBRARY)) < 0.05


def test_exact_and_near_copies_share_the_first_copys_story_and_distinct_ones_found_their_own():
    batch = [
        copy("a", CRANE),
        copy("b", CRANE),
        copy("c", new_first_line(CRANE)),
        copy("d", new_footer(CRANE)),
        copy("e", LIBRARY),
    ]
    stories = assign_stories(batch, [])
    assert stories == {
        "a": sha256_hex(CRANE)[:32],
        "b": sha256_hex(CRANE)[:32],
        "c": sha256_hex(CRANE)[:32],
        "d": sha256_hex(CRANE)[:32],
        "e": sha256_hex(LIBRARY)[:32],
    }


def test_a_copy_joins_the_story_of_a_stored_copy():
    stored = [copy("old-crane", CRANE, "story-1"), copy("old-library", LIBRARY, "story-2")]
    stories = assign_stories([copy("n1", new_footer(CRANE)), copy("n2", LIBRARY)], stored)
    assert stories == {"n1": "story-1", "n2": "story-2"}


def test_a_stored_copy_is_shingled_only_where_a_new_copy_shares_a_band_with_it():
    def stored(article_id: str, text: str, story_id: str) -> Copy:
        return Copy(article_id, sha256_hex(text), text, story_id, stored_bands=tuple(band_keys(shingle_hashes(text))))

    crane, library = stored("old-crane", CRANE, "story-1"), stored("old-library", LIBRARY, "story-2")
    assert assign_stories([copy("same-crane", CRANE)], [crane, library]) == {"same-crane": "story-1"}
    assert "grams" not in vars(crane) and "grams" not in vars(library)  # the same text needs no shingles

    assert assign_stories([copy("new-crane", new_footer(CRANE))], [crane, library]) == {"new-crane": "story-1"}
    assert "grams" in vars(crane) and "grams" not in vars(library)


def test_band_keys_are_stable_across_processes():
    # They are stored: a change of hashing or permutations would orphan every stored key.
    keys = band_keys(shingle_hashes("the quick brown fox jumps over the lazy dog"))
    assert len(keys) == 20
    assert keys[0] == band_keys(shingle_hashes("The quick, brown fox jumps over the lazy dog!"))[0]
    assert keys[:2] == [-3415774367748827179, -1363975433310237104]


def test_the_remainder_by_the_prime_without_a_division_is_numpys():
    prime = (1 << 61) - 1
    # Around the prime and its multiples, the largest value, and values whose top bits and low
    # bits together reach the prime.
    edges = [0, 1, prime - 1, prime, prime + 1, 1 << 61, 2 * prime, 2 * prime + 1, 7 * (1 << 61) + prime - 3]
    edges += [(1 << 64) - 1, 5 * (1 << 61) + prime - 5, 5 * (1 << 61) + prime - 6, 3 * (1 << 61) + 12345]
    values = np.array(edges, dtype=np.uint64)
    assert mod_prime(values.copy()).tolist() == (values % np.uint64(prime)).tolist()
    spread = np.random.default_rng(5).integers(0, 1 << 64, 10_000, dtype=np.uint64, endpoint=False)
    assert (mod_prime(spread.copy()) == spread % np.uint64(prime)).all()


def test_band_keys_of_the_hashes_in_text_order_are_those_of_the_set():
    # A copy's keys come from its hashes as the text gives them, a repeated gram twice.
    text = "a ferry left the pier at dawn and a ferry left the pier at dusk"
    assert len(shingle_hashes(text)) == len(shingles(text)) + 2
    assert band_keys(shingle_hashes(text)) == band_keys(np.fromiter(shingles(text), dtype=np.uint64))


def test_an_empty_text_has_no_band_keys():
    assert band_keys(shingle_hashes("")) == []

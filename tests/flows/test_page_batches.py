"""Fetched pages gathered per source into batches: full ones at once, others once they waited."""

from __future__ import annotations

from winnow.flows.page_batches import PageBatches
from winnow.schemas.records import FetchResult


def result(source: str, n: int) -> FetchResult:
    url = f"https://{source}.example/{n}"
    return FetchResult(url, source, url, "fetched", 200, b"<html></html>")


def urls(batch: list[FetchResult]) -> list[int]:
    return [int(r.url.rsplit("/", 1)[1]) for r in batch]


def test_a_full_batch_is_ready_at_once_and_the_rest_waits():
    batches = PageBatches(size=3, wait_s=5)
    for n in range(7):
        batches.add(result("herald", n), now=100.0)
    ready = batches.ready(now=100.0)
    assert [(source, urls(batch)) for source, batch in ready] == [("herald", [0, 1, 2]), ("herald", [3, 4, 5])]
    assert batches  # page 6 waits for company
    assert batches.ready(now=104.9) == []
    assert [urls(batch) for _, batch in batches.ready(now=105.0)] == [[6]]
    assert not batches


def test_each_source_has_its_own_batches_and_its_own_wait():
    batches = PageBatches(size=10, wait_s=5)
    batches.add(result("herald", 1), now=100.0)
    batches.add(result("courier", 2), now=103.0)
    batches.add(result("herald", 3), now=104.0)
    assert [(source, urls(batch)) for source, batch in batches.ready(now=105.0)] == [("herald", [1, 3])]
    assert [(source, urls(batch)) for source, batch in batches.ready(now=108.0)] == [("courier", [2])]


def test_flush_hands_out_everything_in_batches_of_the_size():
    batches = PageBatches(size=2, wait_s=60)
    for n in range(5):
        batches.add(result("herald", n), now=100.0)
    batches.add(result("courier", 9), now=100.0)
    ready = batches.ready(now=100.0, flush=True)
    assert [(source, urls(batch)) for source, batch in ready] == [
        ("herald", [0, 1]),
        ("herald", [2, 3]),
        ("herald", [4]),
        ("courier", [9]),
    ]
    assert not batches

"""The baseline of bench/ingest.py: plain trafilatura over the pages the flow will fetch, and the
pipeline's own per-page extraction over them without Prefect."""

from __future__ import annotations

import time

from bench.ingest_site import SOURCE


def time_trafilatura(pages: list[tuple[str, bytes]]) -> tuple[float, int]:
    """Seconds for plain trafilatura.extract over every body, and how many gave text."""
    import trafilatura

    trafilatura.extract(pages[0][1])  # warm-up: lazy imports, caches
    started = time.perf_counter()
    extracted = sum(trafilatura.extract(body) is not None for _, body in pages)
    return time.perf_counter() - started, extracted


def time_extract_article(pages: list[tuple[str, bytes]]) -> float:
    """Seconds for the pipeline's own per-page extraction (metadata, hashes) over the same
    bodies, sequentially and without Prefect: separates extraction cost from orchestration."""
    from winnow.schemas.config import ExtractOptions
    from winnow.transforms.extract import PageInput, extract_article

    options = ExtractOptions()
    inputs = [PageInput(url=url, final_url=url, source=SOURCE, body=body, language="en") for url, body in pages]
    extract_article(inputs[0], options)
    started = time.perf_counter()
    for page in inputs:
        extract_article(page, options)
    return time.perf_counter() - started

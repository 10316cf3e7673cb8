"""Chaff removal: the non-article text publishers put inside articles (sign-ups, appeals,
related links, share prompts), found by per-source rules, generic detectors and repetition."""

from __future__ import annotations

from winnow.schemas.config import ChaffRules
from winnow.schemas.records import ChaffBlock
from winnow.transforms.chaff.lexicon import lexicon_for
from winnow.transforms.chaff.strip import clean_text, strip_blocks


def text_blocks(text: str) -> list[str]:
    """The blocks of a plain text: its non-empty lines, without surrounding spaces."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def strip_text(
    text: str, rules: ChaffRules = ChaffRules(), language: str | None = None
) -> tuple[list[str], list[ChaffBlock]]:
    """Plain text in (one block per line), its blocks and the chaff among them out."""
    blocks = text_blocks(text)
    return blocks, strip_blocks(blocks, None, rules, lexicon_for(language))


__all__ = ["clean_text", "strip_blocks", "strip_text", "text_blocks"]

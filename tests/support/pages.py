"""Helpers for the tests that extract pages they write themselves."""

from __future__ import annotations

from winnow.schemas.config import ChaffRules, ExtractOptions
from winnow.schemas.records import Article
from winnow.transforms.extract import PageInput, extract_article


def paragraphs(items: list[str]) -> str:
    return "\n".join(f"<p>{text}</p>" for text in items)


def extracted(html: bytes, rules: ChaffRules = ChaffRules()) -> Article:
    """The article of a page, with any number of words; fails the test if there is none."""
    result = extract_article(
        PageInput(
            url="https://paper.example/a", final_url="https://paper.example/a", source="paper", body=html, rules=rules
        ),
        ExtractOptions(min_words=0),
    )
    assert isinstance(result, Article), result
    return result

"""Stable identifiers: every hash in the warehouse is made here, so they agree everywhere."""

import hashlib


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def article_id(canonical_url: str) -> str:
    """An article's stable key: the first 32 hex digits of its canonical URL's SHA-256."""
    return sha256_hex(canonical_url)[:32]


def entity_id(entity_type: str, name_key: str) -> str:
    """An entity's stable key, from its type and its canonical name as compared (see enrich.geo.name_key)."""
    return sha256_hex(f"{entity_type}\x1f{name_key}")[:24]


def event_id(article: str, sentence_offset: int, trigger_offset: int) -> str:
    """An event's stable key: its article and where its trigger sits in the text."""
    return sha256_hex(f"{article}\x1f{sentence_offset}\x1f{trigger_offset}")[:24]

"""Stable identifiers: every hash in the warehouse is made here, so they agree everywhere."""

import hashlib


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def article_id(canonical_url: str) -> str:
    """An article's stable key: the first 32 hex digits of its canonical URL's SHA-256."""
    return sha256_hex(canonical_url)[:32]

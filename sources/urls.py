"""Canonical URLs: one spelling per page, so the frontier and article ids do not fork.

courlan does the heavy lifting (see `canonical_url`); this module adds only what it
leaves out for our purpose: relative resolution, fragments, dot segments, scheme checks.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import clean_url
from courlan.clean import decode_punycode
from courlan.filters import is_valid_url

WEB_SCHEMES = ("http", "https")


def canonical_url(url: str, base: str | None = None) -> str | None:
    """The canonical form of `url` (resolved against `base`), or None if it is no web page URL.

    courlan's `clean_url` scrubs stray whitespace and markup, lower-cases scheme and host,
    decodes punycode hosts, drops the scheme's default port, collapses repeated slashes,
    drops tracking parameters (utm_*, fbclid, gclid, mc_eid, ref, ...) and sorts the rest.
    It is used in its non-strict mode on purpose: strict mode keeps only a short allowlist of
    query parameters (id, page, p, ...) and would merge distinct pages such as `?story=1`
    and `?story=2`. Fragments never name a different page, so they go before courlan sees
    them (its non-strict mode keeps them).
    """
    # courlan deletes inner spaces (it expects line-wrapped links); a space inside a
    # link is part of the path, so encode it instead.
    url = (url or "").strip().replace(" ", "%20")
    if not url:
        return None
    absolute = urljoin(base, url) if base else url
    try:
        parts = urlsplit(absolute)
        _ = parts.port  # raises on a non-numeric or out-of-range port
    except ValueError:  # also an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in WEB_SCHEMES:
        return None
    # urljoin resolves "." and ".." only in relative references; courlan never does.
    # (Leading slashes are collapsed first so urljoin cannot read "//x" as a host.)
    path = urljoin("/", "/" + parts.path.lstrip("/")) if parts.path else ""
    cleaned = clean_url(urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")))
    if cleaned is None or not is_valid_url(cleaned):
        return None
    return cleaned


def host_of(url: str) -> str | None:
    """The lower-case host of `url` without port or credentials (punycode decoded, as
    `canonical_url` spells it), or None when it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return decode_punycode(host) if host else None

"""How names are compared, for entity ids and look-ups alike; free of the gazetteers' imports,
so the warehouse can key names without loading them."""

from __future__ import annotations

import re
import unicodedata


def name_key(text: str) -> str:
    """How names are compared: accents, dots, case, hyphens and spacing do not matter
    ("U.S." = "US", "Deir-ez-Zor" = "Deir ez Zor")."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-‐‑–]+", " ", letters.replace(".", "").replace("’", "'")).strip().casefold()

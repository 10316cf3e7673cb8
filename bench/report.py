"""What every benchmark ends with: its result as JSON on stdout, and in the --out file if given."""

from __future__ import annotations

import json
from pathlib import Path


def print_result(result: dict, out: Path | None) -> None:
    text = json.dumps(result, indent=2, default=str)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")

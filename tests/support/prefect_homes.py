"""Prefect homes for the test servers, each starting from a copy of one migrated database."""

from __future__ import annotations

import shutil
from pathlib import Path


def prefect_home_from(template: Path, home: Path) -> Path:
    """A new Prefect home holding a copy of the migrated database `template`."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, home / "prefect.db")
    return home

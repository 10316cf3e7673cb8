"""Fixtures of the sources tests."""

from pathlib import Path

import pytest


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A folder for a sources config, holding the pages folder saved/herald its feeds may name."""
    (tmp_path / "saved" / "herald").mkdir(parents=True)
    return tmp_path

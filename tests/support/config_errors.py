"""The error messages a sources config gives when it is invalid."""

from pathlib import Path
from textwrap import dedent

import pytest

from winnow.sources.config import ConfigError, parse_config


def parse(text: str, base_dir: Path) -> list[str]:
    """The error messages for `text`, which must be invalid."""
    with pytest.raises(ConfigError) as caught:
        parse_config(dedent(text), base_dir, "sources.yaml")
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages

"""The `winnow` command line run in-process, as a user's shell would see it."""

from __future__ import annotations

from typer.testing import CliRunner

from winnow.flows.cli import app


def winnow(*args: str):
    """The result of `winnow ARGS` run in-process; no traceback may reach the output."""
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    return result

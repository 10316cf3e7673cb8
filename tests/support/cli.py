"""The `winnow` command line run in-process, as a user's shell would see it."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from winnow.flows.cli import app


def winnow(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """The result of `winnow ARGS` run in-process (with `env` over the environment); no traceback
    may reach the output, and nothing the command raised may be left unmapped to an exit code,
    which a shell would see as a traceback."""
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output
    return result

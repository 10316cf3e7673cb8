"""`winnow deployments`: prefect.yaml's deployments, generated from the sources config."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from winnow.flows.cli.failures import CommandFailed
from winnow.flows.cli.flow_runs import PREFECT_HOME
from winnow.flows.cli.options import ConfigOption, DeploymentsFileOption
from winnow.flows.environment import configure_prefect

app = typer.Typer(
    help="The Prefect deployments in prefect.yaml, generated from the sources config.", no_args_is_help=True
)


@app.command("write")
def deployments_write(
    config: ConfigOption = Path("sources.yaml"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Prefect deployments file.")] = Path("prefect.yaml"),
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Also write the settings above the deployments anew, with winnow's defaults."),
    ] = False,
) -> None:
    """Write prefect.yaml's deployments from the sources config, keeping the settings above them.

    One ingest deployment per schedule group (the sources' cron: and group:), then reprocess and maintenance.
    """
    from winnow.flows.deployments import render_prefect_yaml
    from winnow.sources.config import load_config

    loaded = load_config(config)
    check_crons(loaded)
    current = None if reset else _read_if_present(output)
    output.write_text(render_prefect_yaml(loaded, config, output, current), encoding="utf-8")
    for group in loaded.schedules:
        typer.echo(f"ingest-{group.name}: {', '.join(group.sources)} at {group.cron!r} (UTC)")
    typer.echo(f"wrote {output}: {len(loaded.schedules)} ingest deployment(s), reprocess, maintenance")


@app.command("check")
def deployments_check(
    config: ConfigOption = Path("sources.yaml"), file: DeploymentsFileOption = Path("prefect.yaml")
) -> None:
    """Exit code 1, showing the differences, when prefect.yaml is not what the sources config gives."""
    differences = deployment_differences(config, file)
    if differences:
        typer.echo("\n".join(differences), err=True)
        raise CommandFailed(f"{file} is not what {config} gives: run `winnow deployments write`")
    typer.echo(f"{file} is what {config} gives")


def check_crons(loaded) -> None:
    """Prefect's own check of the config's crons; Prefect is imported for it, with winnow's settings."""
    from winnow.flows.deployments import check_crons as check_with_prefect

    if loaded.schedules:
        configure_prefect(PREFECT_HOME)
    check_with_prefect(loaded)


def deployment_differences(config: Path, file: Path) -> list[str]:
    """How `file` differs from the deployments `config` gives, as a diff; empty when it does not."""
    from winnow.flows.deployments import DeploymentsError, differences, render_prefect_yaml
    from winnow.sources.config import load_config

    loaded = load_config(config)
    check_crons(loaded)
    current = _read_if_present(file)
    try:
        return differences(current, render_prefect_yaml(loaded, config, file, current), file, config)
    except DeploymentsError as error:
        raise CommandFailed(
            f"{error} (`winnow deployments write --reset` writes winnow's settings part anew)"
        ) from error


def _read_if_present(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None

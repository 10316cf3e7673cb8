"""The `runner:` block of the sources config and the `--runner` spec: checked, with errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from winnow.schemas.config import RunnerConfig
from winnow.sources.config import ConfigError, parse_config

SOURCES = "sources: [{name: a, feeds: [{kind: rss, url: 'https://a.example/rss'}]}]\n"


def runner_of(block: str) -> RunnerConfig:
    return parse_config(SOURCES + block, Path("."), "sources.yaml").runner


def errors_of(block: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        runner_of(block)
    return caught.value.messages


def test_without_a_runner_block_the_stages_run_locally():
    assert runner_of("") == RunnerConfig(kind="local")


def test_a_dask_cluster_by_address_or_a_local_one_by_size():
    assert runner_of("runner: {kind: dask, address: 'tcp://10.0.0.5:8786'}").address == "tcp://10.0.0.5:8786"
    local = runner_of("runner: {kind: dask, workers: 3, processes: false}")
    assert (local.kind, local.workers, local.processes, local.address) == ("dask", 3, False, None)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("runner: {kind: spark}", "runner, field kind: "),
        ("runner: {kind: dask, address: '10.0.0.5:8786'}", "runner, field address: '10.0.0.5:8786' is no scheduler"),
        ("runner: {kind: dask, workers: 0}", "runner, field workers: "),
        ("runner: {kind: local, workers: 2}", "settings of kind: dask"),
        ("runner: {kind: dask, address: 'tcp://h:8786', workers: 2}", "a cluster at `address` has its own"),
        ("runner: {kind: dask, adress: 'tcp://h:8786'}", "runner, field adress: unknown key"),
        ("runner: dask", "field runner: expected a mapping"),
    ],
)
def test_a_bad_runner_block_is_an_error_naming_the_field(block: str, expected: str):
    (message,) = errors_of(block)
    assert message.startswith("sources.yaml: ") and expected in message, message


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("local", RunnerConfig(kind="local")),
        ("dask", RunnerConfig(kind="dask")),
        ("dask-threads", RunnerConfig(kind="dask", processes=False)),
        ("tcp://10.0.0.5:8786", RunnerConfig(kind="dask", address="tcp://10.0.0.5:8786")),
    ],
)
def test_command_line_runner_specs(spec: str, expected: RunnerConfig):
    assert RunnerConfig.parse(spec) == expected


def test_an_unknown_command_line_runner_says_what_is_expected():
    with pytest.raises(ValueError, match="expected local, dask, dask-threads or a scheduler address"):
        RunnerConfig.parse("ray")


def test_a_command_line_address_is_checked_like_the_configs():
    with pytest.raises(ValueError, match="^'bogus://x' is no scheduler address; expected e.g. tcp://host:8786$"):
        RunnerConfig.parse("bogus://x")

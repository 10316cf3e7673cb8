"""Deployments: prefect.yaml is what the sources config gives, every deployment in it loads and
takes its parameters, `winnow serve` builds them, and `prefect deploy --all` against a real
`prefect server start` gives deployments a worker runs to completion."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.cli import winnow
from tests.support.prefect_homes import prefect_home_from
from winnow.flows.api_server import unhealthy
from winnow.flows.deployments import deployment_specs, differences, render_prefect_yaml
from winnow.sources.config import ConfigError, load_config
from winnow.warehouse.query import run_query

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WRITER_LIMIT = {"limit": 1, "collision_strategy": "ENQUEUE"}
# Prefect without telemetry (offline, it logs errors; flows/environment.py) and plain, wide output to read.
CLI_ENV = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "NO_COLOR": "1", "COLUMNS": "200"}


def shipped_specs():
    return deployment_specs((REPO / "prefect.yaml").read_text(encoding="utf-8"), "prefect.yaml")


@pytest.mark.prefect
def test_every_shipped_deployment_loads_and_takes_its_parameters(monkeypatch):
    from prefect.flows import load_flow_from_entrypoint

    monkeypatch.chdir(REPO)  # entrypoints and parameters are relative to prefect.yaml's folder
    specs = shipped_specs()

    assert [spec.name for spec in specs] == ["ingest-default", "reprocess", "maintenance"]
    for spec in specs:
        flow = load_flow_from_entrypoint(spec.entrypoint, use_placeholder_flow=False)
        flow.validate_parameters(spec.parameters)
        assert Path(spec.parameters["config_path"]).is_file(), spec
        assert spec.concurrency_limit == WRITER_LIMIT, spec  # each of them writes to the DuckDB file
    raw = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    assert {deployment["work_pool"]["name"] for deployment in raw} == {"winnow-local"}


@pytest.mark.prefect
def test_serve_builds_one_deployment_per_entry_with_its_schedules(monkeypatch):
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from winnow.flows.deployments import runner_deployments

    monkeypatch.chdir(REPO)
    specs = shipped_specs()
    deployments = runner_deployments(specs)

    assert [(d.name, d.entrypoint) for d in deployments] == [(s.name, s.entrypoint) for s in specs]
    crons = {d.name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] for d in deployments}
    assert crons == {"ingest-default": [("17 * * * *", "UTC")], "reprocess": [], "maintenance": [("40 3 * * *", "UTC")]}
    for deployment, spec in zip(deployments, specs):
        assert deployment.parameters == spec.parameters
        assert deployment.concurrency_limit == 1
        assert deployment.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE


# In this process (a `winnow` process costs a Python start with winnow's imports); the check
# imports Prefect for the crons, after the session's test settings.
@pytest.mark.prefect
def test_deployments_check_passes_on_the_shipped_files(monkeypatch):
    monkeypatch.chdir(REPO)
    result = winnow("deployments", "check")

    assert result.exit_code == 0, result.output
    assert "prefect.yaml is what sources.yaml gives" in result.stdout


GROUPED = """
defaults:
  cron: "17 * * * *"
sources:
  - {name: plain, feeds: [{kind: pages, path: saved}]}
  - {name: own, cron: "0 6 * * *", feeds: [{kind: pages, path: saved}]}
  - {name: wire-a, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: wire-b, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: paused, enabled: false, feeds: [{kind: pages, path: saved}]}
"""


def test_write_makes_a_deployment_per_group_and_keeps_the_settings(tmp_path):
    (tmp_path / "saved").mkdir()
    config, output = tmp_path / "sources.yaml", tmp_path / "prefect.yaml"
    config.write_text(GROUPED)
    written = render_prefect_yaml(load_config(config), config, output, None)

    specs = {spec.name: spec for spec in deployment_specs(written, "prefect.yaml")}
    assert list(specs) == ["ingest-default", "ingest-own", "ingest-wires", "reprocess", "maintenance"]
    assert [(specs[name].parameters["source_names"], specs[name].schedules) for name in list(specs)[:3]] == [
        (["plain"], [{"cron": "17 * * * *", "timezone": "UTC"}]),
        (["own"], [{"cron": "0 6 * * *", "timezone": "UTC"}]),
        (["wire-a", "wire-b"], [{"cron": "*/30 * * * *", "timezone": "UTC"}]),
    ]
    assert {spec.parameters["config_path"] for spec in specs.values()} == {"sources.yaml"}
    assert specs["reprocess"].schedules == [] and "Not scheduled" in specs["reprocess"].description

    # The settings above the deployments are the user's: written again, they stay.
    edited = written.replace("db_path: null", "db_path: /srv/winnow.duckdb").replace("40 3 * * *", "0 4 * * *")
    rewritten = render_prefect_yaml(load_config(config), config, output, edited)
    assert rewritten == edited
    assert differences(edited, rewritten, output, config) == []
    specs = {spec.name: spec for spec in deployment_specs(edited, "prefect.yaml")}
    assert {spec.parameters["db_path"] for spec in specs.values()} == {"/srv/winnow.duckdb"}
    assert specs["maintenance"].schedules == [{"cron": "0 4 * * *", "timezone": "UTC"}]

    config.write_text(GROUPED.replace('wire-b, group: wires, cron: "*/30', 'wire-b, group: wires, cron: "*/15'))
    with pytest.raises(
        ConfigError,
        match=r"source 'wire-b' \(sources\[3\]\), field cron: cron '\*/15 \* \* \* \*',"
        r" but source 'wire-a' of the same group 'wires' has cron '\*/30",
    ):
        load_config(config)
    config.write_text(GROUPED.replace("{name: paused, enabled: false,", "{name: paused,"))
    diff = differences(edited, render_prefect_yaml(load_config(config), config, output, edited), output, config)
    assert "+      source_names: [plain, paused]" in diff and "-      source_names: [plain]" in diff


@pytest.mark.prefect
def test_prefect_checks_the_crons_and_the_message_names_source_and_field(tmp_path):
    from winnow.flows.deployments import check_crons

    (tmp_path / "saved").mkdir()
    config = tmp_path / "sources.yaml"
    config.write_text(GROUPED.replace('cron: "0 6 * * *"', 'cron: "61 6 * * *"'))

    with pytest.raises(ConfigError) as error:
        check_crons(load_config(config))
    assert error.value.messages == [
        f"{config}: source 'own' (sources[1]), field cron: invalid cron string: \"61 6 * * *\""
    ]


# prefect deploy --all against `prefect server start`, and a worker run -------------------------


@pytest.mark.slow
def test_deploy_all_to_a_server_and_a_worker_runs_ingest(tmp_path, free_port, migrated_prefect_db):
    timings, started = {}, time.monotonic()
    api = f"http://127.0.0.1:{free_port}/api"
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    env.update(CLI_ENV, PREFECT_HOME=str(prefect_home_from(migrated_prefect_db, tmp_path / "prefect-home")))
    client_env = {**env, "PREFECT_API_URL": api}
    config, db = tmp_path / "sources.yaml", tmp_path / "winnow.duckdb"
    # The shipped deployment's source, over a few saved pages, without GX's or spaCy's seconds of
    # import and load in the flow run's process (neither is what is tested).
    config.write_text(f"""
validation: {{enabled: false}}
enrich: {{enabled: false}}
sources:
  - name: saved-pages-example
    max_pages: 3
    feeds: [{{kind: pages, path: "{REPO / "demo/site/vale-courier/news"}"}}]
""")
    server_log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(free_port)],
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = None
    try:
        if (why := unhealthy(server, api, 90, poll_s=0.5)) is not None:
            pytest.fail(f"prefect server {why}:\n{(tmp_path / 'server.log').read_text()}")
        timings["server up"] = time.monotonic() - started

        prefect = _prefect_cli(client_env)
        prefect("work-pool", "create", "winnow-local", "--type", "process")
        prefect("work-pool", "set-concurrency-limit", "winnow-local", "1")
        prefect("deploy", "--all", "--no-prompt")
        timings["deployed"] = time.monotonic() - started
        deployments = httpx.post(f"{api}/deployments/filter", json={}).json()
        assert sorted(d["name"] for d in deployments) == ["ingest-default", "maintenance", "reprocess"]
        for deployment in deployments:
            assert deployment["global_concurrency_limit"]["limit"] == 1, deployment["name"]
            assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE", deployment["name"]

        triggered = prefect(
            "deployment",
            "run",
            "ingest/ingest-default",
            "--param",
            f"db_path={db}",
            "--param",
            f"config_path={config}",
            "--param",
            "extract_workers=1",
        )
        flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", triggered.stdout)[1]
        worker = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", "winnow-local", "--run-once"],
            cwd=tmp_path,
            env=client_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        worker_output = worker.communicate(timeout=300)[0]
        timings["run done"] = time.monotonic() - started

        state = httpx.get(f"{api}/flow_runs/{flow_run_id}").json()["state"]
        assert state["type"] == "COMPLETED", f"{state}\n{worker_output}"
        assert run_query(db, "select count(*) from articles").rows == [(3,)]
        assert run_query(db, "select flow, status from runs").rows == [("ingest", "completed")]
    finally:
        for process in (worker, server):
            _stop(process)
        server_log.close()
        print("deploy test timings (s): " + ", ".join(f"{step} {seconds:.1f}" for step, seconds in timings.items()))


def _prefect_cli(env: dict[str, str]):
    def prefect(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(BIN / "prefect"), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"prefect {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    return prefect


def _stop(process: subprocess.Popen | None) -> None:
    """Stop a process this test started, with the children it started (its own session)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

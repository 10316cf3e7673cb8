"""The `maintenance` flow: its steps, its `runs` row and its summary artifact."""

from __future__ import annotations

import json

import pytest

from tests.support.records import article
from winnow.warehouse.articles import load_batch
from winnow.warehouse.query import run_query

pytestmark = pytest.mark.prefect


def test_maintenance_refreshes_compacts_exports_and_reports(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from winnow.flows.maintenance import maintenance

    (tmp_path / "saved").mkdir()
    config = tmp_path / "sources.yaml"
    config.write_text("sources: [{name: news, feeds: [{kind: pages, path: saved}]}]\n")
    db = tmp_path / "data" / "winnow.duckdb"
    load_batch(db, "run-1", [], [article(f"https://news.example/{i}", f"Story number {i}.") for i in range(3)], [])

    steps = maintenance(config_path=str(config), db_path=str(db))

    assert [step["step"] for step in steps] == ["refresh repetition statistics", "compact", "export Parquet"]
    assert "articles 3" in steps[2]["outcome"] and (tmp_path / "data" / "export" / "articles").is_dir()
    ((run_id, status),) = run_query(db, "select run_id, status from runs where flow = 'maintenance'").rows
    assert status == "completed"
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["maintenance-summary"]), flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])
            )
        )
    assert (json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data) == steps

    only_export = maintenance(
        config_path=str(config),
        db_path=str(db),
        refresh_repetition=False,
        compact=False,
        export_dir=str(tmp_path / "snapshot"),
    )
    assert [step["step"] for step in only_export] == ["export Parquet"]
    assert (tmp_path / "snapshot" / "articles").is_dir()

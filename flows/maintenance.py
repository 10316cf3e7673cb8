"""The `maintenance` flow: the repetition statistics trimmed, the DuckDB file compacted, a Parquet
snapshot exported. The `maintenance` deployment runs it daily; `winnow maintenance` by hand."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from winnow.flows.runs import recorded_run
from winnow.sources.config import load_config
from winnow.warehouse import maintenance as upkeep
from winnow.warehouse.db import default_db_path, resolved
from winnow.warehouse.export import export_parquet
from winnow.warehouse.migrate import migrate


@task(retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def refresh_repetition_statistics(db_path: str, keep_sources: list[str] | None) -> str:
    done = upkeep.refresh_repetition(db_path, keep_sources)
    forgotten = (
        f", {done.removed_source_sightings} of sources not in the config ({', '.join(done.removed_sources) or 'none'})"
        if keep_sources is not None
        else ""
    )
    return (
        f"removed {done.orphaned} sightings of articles no longer stored{forgotten} and {done.block_texts}"
        f" texts of blocks no article holds; {done.sightings} sightings left"
    )


@task(retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def compact_warehouse(db_path: str, min_reclaimable: float) -> str:
    done = upkeep.compact(db_path, min_reclaimable)
    how = "copied into a fresh file" if done.copied else f"checkpointed only (a copy pays from {min_reclaimable:.0%})"
    return f"{how}: {done.reclaimable:.0%} of it unused; {done.bytes_before:,} -> {done.bytes_after:,} bytes"


@task(retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def export_snapshot(db_path: str, folder: Path) -> str:
    written = export_parquet(db_path, folder)
    return f"{', '.join(f'{table} {rows}' for table, rows in written.items())} rows -> {folder}"


@flow(name="maintenance")
def maintenance(
    config_path: str = "sources.yaml",
    db_path: str | None = None,
    export_dir: str | None = None,
    refresh_repetition: bool = True,
    forget_unconfigured_sources: bool = False,
    compact: bool = True,
    export: bool = True,
    compact_min_reclaimable: float = upkeep.COMPACT_MIN_RECLAIMABLE,
) -> list[dict[str, str]]:
    """Refresh the repetition statistics, compact the warehouse, export it as Parquet (to
    `export_dir`, default: an `export` folder beside the database); returns what each step did.

    `forget_unconfigured_sources`: also drop the statistics of the sources not in the config, once
    a source is removed for good (see warehouse.maintenance.refresh_repetition).
    """
    config = load_config(Path(config_path))
    db = str(resolved(db_path) if db_path else default_db_path())
    migrate(db)
    folder = Path(export_dir) if export_dir else Path(db).parent / "export"
    names = [source.name for source in config.sources]
    steps = []
    with recorded_run(db, "maintenance", names):
        # In this order: compaction gives back the blocks the refresh frees.
        if refresh_repetition:
            kept = names if forget_unconfigured_sources else None
            steps.append({"step": "refresh repetition statistics", "outcome": refresh_repetition_statistics(db, kept)})
        if compact:
            steps.append({"step": "compact", "outcome": compact_warehouse(db, compact_min_reclaimable)})
        if export:
            steps.append({"step": "export Parquet", "outcome": export_snapshot(db, folder)})
    logger = get_run_logger()
    for step in steps:
        logger.info("%s: %s", step["step"], step["outcome"])
    create_table_artifact(
        key="maintenance-summary",
        table=steps or [{"step": "none", "outcome": "every step off"}],
        description=f"Maintenance of {db}",
    )
    return steps

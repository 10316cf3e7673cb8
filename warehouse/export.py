"""`winnow export`: Parquet snapshots of the warehouse, partitioned by source and date, for
sharing and for other engines (Spark, Polars, pandas, another DuckDB) to read as hive partitions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from winnow.warehouse import db

DATE = "strftime(coalesce(a.published_at, a.first_seen_at) at time zone 'UTC', '%Y-%m-%d')"
# Each table's snapshot; the partitioned ones carry their article's source and (publication) date.
SNAPSHOTS = {
    "articles": f"select a.*, {DATE} as date from articles a",
    "mentions": f"select m.*, a.source, {DATE} as date from mentions m join articles a using (article_id)",
    "events": f"select e.*, a.source, {DATE} as date from events e join articles a using (article_id)",
    "article_chaff": f"select c.*, a.source, {DATE} as date from article_chaff c join articles a using (article_id)",
    "entities": "select * from entities",
}
UNPARTITIONED = {"entities"}


def export_parquet(db_path: str | os.PathLike, folder: str | os.PathLike) -> dict[str, int]:
    """Write each table under `folder/<table>/` (source=.../date=.../*.parquet), replacing an
    earlier snapshot there; returns the rows written per table."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    with db.read(db_path) as conn:
        for table, query in SNAPSHOTS.items():
            target = folder / table
            shutil.rmtree(target, ignore_errors=True)  # a snapshot, not an append
            partition = "" if table in UNPARTITIONED else ", partition_by (source, date)"
            if table in UNPARTITIONED:
                target.mkdir(parents=True, exist_ok=True)
                target = target / f"{table}.parquet"
            (count,) = conn.execute(f"select count(*) from ({query})").fetchone()
            conn.execute(
                f"copy ({query}) to '{str(target).replace(chr(39), chr(39) * 2)}'"
                f" (format parquet, compression zstd{partition})"
            )
            written[table] = count
    return written

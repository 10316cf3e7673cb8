"""Upkeep of the DuckDB file, for the `maintenance` flow: repetition statistics trimmed to what
can still be counted, and the file compacted."""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import NamedTuple

from winnow.warehouse import db, repeated_blocks

COMPACT_MIN_RECLAIMABLE = 0.2  # below this share of the file to give back, a copy is not worth the rewrite


class RepetitionRefresh(NamedTuple):
    """What refreshing the repetition statistics removed, and what is left."""

    orphaned: int  # sightings of articles no longer stored, or now stored under another source
    removed_sources: list[str]  # sources whose statistics were forgotten
    removed_source_sightings: int
    block_texts: int  # texts of blocks no sighting holds any more
    sightings: int  # sightings left


class Compaction(NamedTuple):
    """The file's size (with its WAL) before and after, and whether it was copied afresh."""

    bytes_before: int
    bytes_after: int
    reclaimable: float  # estimated share of the file's blocks that were free or held deleted rows
    copied: bool  # False: only checkpointed


def refresh_repetition(db_path: str | os.PathLike, keep_sources: list[str] | None = None) -> RepetitionRefresh:
    """Drop the block sightings nothing counts any more: those of articles no longer stored (or
    stored under another source now) and, when `keep_sources` is given, those of every other source;
    then the texts of blocks that no sighting holds. The loader only ever replaces the sightings of
    articles it loads, so these would otherwise stay, counting towards nothing, forever.

    Forgetting a source is for one removed for good: other configs may share the file (`winnow demo`
    writes its sources to the same default one), and if the source came back, only its articles
    loaded anew would count.
    """
    with db.write(db_path) as conn:
        removed, removed_rows = [], 0
        if keep_sources is not None:
            conn.execute("create temp table kept as select unnest(?::varchar[]) as source", [keep_sources])
            removed = [
                source
                for (source,) in conn.execute(
                    "select distinct source from block_sightings anti join kept using (source) order by source"
                ).fetchall()
            ]
            (removed_rows,) = conn.execute(
                "delete from block_sightings where source not in (select source from kept)"
            ).fetchone()
        (orphaned,) = conn.execute("""
            delete from block_sightings s
            where not exists (select 1 from articles a where a.article_id = s.article_id and a.source = s.source)
        """).fetchone()
        (texts,) = conn.execute("""
            delete from block_texts t
            where not exists (select 1 from block_sightings s where s.source = t.source and s.block_key = t.block_key)
        """).fetchone()
        repeated_blocks.recount(conn)
        (left,) = conn.execute("select count(*) from block_sightings").fetchone()
    return RepetitionRefresh(orphaned, removed, removed_rows, texts, left)


def compact(
    db_path: str | os.PathLike, min_reclaimable: float = COMPACT_MIN_RECLAIMABLE, lock_timeout_s: float = 30.0
) -> Compaction:
    """Give the file's unused space back to the disk.

    DuckDB never shrinks the file, not even on CHECKPOINT, and keeps deleted rows (an updated row
    is one deleted and one added) in their blocks until those are rewritten. When at least
    `min_reclaimable` of the file is estimated to be either, the database is copied into a fresh
    file that then replaces it; otherwise it is only checkpointed. Other processes wait
    throughout, as they do for any writer: the fresh file is locked before it takes the old one's
    place, and stays locked until the old one is closed.
    """
    path = db.resolved(db_path)
    fresh = path.with_name(path.name + ".compacting")
    with db.writer_turn(path, lock_timeout_s):
        before = _size(path)
        with ExitStack() as fresh_lock:  # released last: after the old file is closed
            with db.connect(path, lock_timeout_s=lock_timeout_s) as conn:
                conn.execute("checkpoint")
                reclaimable = _reclaimable_share(conn)
                copied = reclaimable >= min_reclaimable
                if copied:
                    _copy_database(conn, fresh)
                    shutil.copymode(path, fresh)
                    lock_fd = os.open(fresh, os.O_RDWR)
                    fresh_lock.callback(os.close, lock_fd)
                    fcntl.lockf(lock_fd, fcntl.LOCK_EX)  # the lock DuckDB takes, so other processes wait on it
                    os.replace(fresh, path)
        return Compaction(before, _size(path), reclaimable, copied)


def _reclaimable_share(conn) -> float:
    """The share of the file's blocks that are free, plus each table's blocks in the proportion of
    its rows that are deleted (its stored rows are `estimated_size`, deleted ones included)."""
    total, free = conn.execute(
        "select total_blocks, free_blocks from pragma_database_size() where database_name = current_database()"
    ).fetchone()
    if not total:
        return 0.0
    dead = 0.0
    for table, stored in conn.execute(
        "select table_name, estimated_size from duckdb_tables()"
        " where database_name = current_database() and schema_name = 'main' and estimated_size > 0"
    ).fetchall():
        (live,) = conn.execute(f"select count(*) from {_identifier(table)}").fetchone()
        (blocks,) = conn.execute(
            """
            select count(distinct block) from (
                select block_id as block from pragma_storage_info(?) where persistent and block_id >= 0
                union all
                select unnest(additional_block_ids) from pragma_storage_info(?) where persistent)
        """,
            [table, table],
        ).fetchone()
        dead += blocks * max(0.0, 1 - live / stored)
    return min(1.0, (free + dead) / total)


def _copy_database(conn, fresh: Path) -> None:
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):  # from a compaction that was interrupted
        leftover.unlink(missing_ok=True)
    (name,) = conn.execute("select current_database()").fetchone()
    try:
        conn.execute(f"attach '{_literal(fresh)}' as compacted")
        conn.execute(f"copy from database {_identifier(name)} to compacted")
        conn.execute("detach compacted")
    except BaseException:
        conn.execute("detach database if exists compacted")
        fresh.unlink(missing_ok=True)
        raise


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _size(path: Path) -> int:
    wal = path.with_name(path.name + ".wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)

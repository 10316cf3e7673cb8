"""The queries of bench/scale.py, and their timing: every statement of the README's ```sql blocks,
every `winnow query "..."` example, count(*) of every view of its Tables section, and a few more;
each run on a read-only connection, its whole result fetched as Arrow."""

from __future__ import annotations

import re
import statistics
import threading
import time
from pathlib import Path
from typing import Callable

import duckdb

TARGET_S = 1.0
REPEAT_UNDER_S = 10.0  # a query slower than this is run once
GIVE_UP_S = 60.0


def readme_queries(readme: str) -> list[tuple[str, str]]:
    """(label, sql) for each statement of the README's ```sql blocks and each `winnow query "..."`,
    and count(*) of each view of its Tables section."""
    found = []
    for block in re.findall(r"```sql\n(.*?)```", readme, re.S):
        comment = None
        for statement in _statements(block):
            lines = statement.splitlines()
            comments = [line.strip()[2:].strip() for line in lines if line.strip().startswith("--")]
            comment = comments[-1] if comments else comment
            sql = "\n".join(line for line in lines if not line.strip().startswith("--")).strip()
            found.append((comment if comments else " ".join(sql.split())[:70], sql))
    for sql in re.findall(r'winnow query "([^"]+)"', readme):
        found.append((" ".join(sql.split())[:70], sql))
    for view in re.findall(r"^\| `(\w+)` \(view\)", readme, re.M):
        found.append((f"view {view}: count(*)", f"select count(*) from {view}"))
    return found


def _statements(block: str) -> list[str]:
    # The README's statements hold no semicolons in strings, so a split at ';' is a statement each.
    return [
        s.strip()
        for s in block.split(";")
        if s.strip().replace("\n", "").strip("- ")
        and any(not line.strip().startswith("--") and line.strip() for line in s.splitlines())
    ]


EXTRA_QUERIES = [
    (
        # The README's query without its limit: every dated event, sorted, moved into Arrow.
        "every dated event with its actors' names, no limit",
        "select e.event_type, coalesce(a1.name, e.actor1_role) as actor1, e.actor1_country, "
        "coalesce(a2.name, e.actor2_role) as actor2, l.name as place, e.event_date, e.date_precision "
        "from events e left join entities a1 on a1.entity_id = e.actor1 "
        "left join entities a2 on a2.entity_id = e.actor2 left join entities l on l.entity_id = e.location "
        "where e.date_precision <> 'reported' order by e.event_date desc nulls last",
    ),
    (
        "article_overview for one article chosen by a subquery",
        "select * from article_overview where article_id = (select article_id from articles "
        "where source = 'vale-courier' order by published_at desc nulls last limit 1)",
    ),
]


def time_queries(db_path: Path, queries: list[tuple[str, str]], repeats: int, say: Callable[[str], None]) -> list[dict]:
    """Each query's median of `repeats` runs; one over REPEAT_UNDER_S runs once, and one still
    running after GIVE_UP_S is stopped (reported as that many seconds, not under target)."""
    results = []
    with duckdb.connect(str(db_path), read_only=True) as conn:
        conn.execute("set TimeZone = 'UTC'")
        conn.execute("select 1").to_arrow_table()  # pyarrow's import is not a query's time
        for label, sql in queries:
            runs, rows, stopped = [], None, False
            while len(runs) < repeats and not stopped and (not runs or runs[0] < REPEAT_UNDER_S):
                stop = threading.Timer(GIVE_UP_S, conn.interrupt)
                stop.start()
                t0 = time.perf_counter()
                try:
                    rows = conn.execute(sql).to_arrow_table().num_rows
                except duckdb.InterruptException:
                    stopped = True
                finally:
                    stop.cancel()
                runs.append(time.perf_counter() - t0)
            median = statistics.median(runs)
            results.append(
                {
                    "query": label,
                    "median_s": round(median, 3),
                    "runs_s": [round(r, 3) for r in runs],
                    "rows": None if stopped else rows,
                    "under_1_s": not stopped and median < TARGET_S,
                }
            )
            say(f"{median:7.3f} s  {'stopped' if stopped else rows:>9} rows  {label}")
    return results

"""Reading a test's warehouse file back: rows, one value, a whole table."""

from __future__ import annotations

from pathlib import Path

from winnow.warehouse.query import run_query


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    return run_query(db, sql, params).rows


def scalar(db: Path, sql: str, params: list | None = None):
    """The one value of a query that returns one row."""
    (row,) = rows(db, sql, params)
    return row[0]


def table(db: Path, name: str, order_by: str) -> list[tuple]:
    """Every row of a table, in a stable order."""
    return rows(db, f"select * from {name} order by {order_by}")

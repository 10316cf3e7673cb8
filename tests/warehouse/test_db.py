import ast
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from winnow import warehouse
from winnow.warehouse import db
from winnow.warehouse.db import WarehouseBusy, WarehouseMissing, connect, default_db_path
from winnow.warehouse.migrate import migrate
from winnow.warehouse.query import run_query

# Opens the file read-write, says so, holds it for argv[2] seconds.
HOLDER = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.close()
"""


@contextmanager
def held_by_another_process(db_path, seconds):
    """Another process holds a write connection on `db_path` for `seconds` from when this yields."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_read_waits_for_another_process_to_let_go(db_path):
    migrate(db_path)
    with held_by_another_process(db_path, 0.6):
        started = time.monotonic()
        with connect(db_path, read_only=True) as conn:
            waited = time.monotonic() - started
            assert conn.execute("select count(*) from articles").fetchone() == (0,)
    assert 0.4 < waited < 5


def test_a_read_gives_up_after_its_timeout(db_path):
    migrate(db_path)
    with held_by_another_process(db_path, 1.0) as holder:
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as busy:
            with connect(db_path, read_only=True, lock_timeout_s=0.2):
                pass
        assert time.monotonic() - started < 0.8
    message = str(busy.value)
    assert str(db_path) in message and f"PID {holder.pid}" in message and "gave up after 0.2s" in message


def test_the_other_mode_in_this_process_is_waited_for_too(db_path):
    with db.write(db_path):
        with pytest.raises(WarehouseBusy, match="other mode"):
            run_query(db_path, "select 1", lock_timeout_s=0.1)


def test_read_only_queries(db_path):
    with pytest.raises(WarehouseMissing, match="no database at .*run `winnow demo` or `winnow run` first"):
        run_query(db_path, "select 1")
    assert not db_path.exists()  # a read never creates the file
    migrate(db_path)
    result = run_query(db_path, "select ? as answer, 'x' as letter", [42])
    assert result.columns == ["answer", "letter"] and result.rows == [(42, "x")]
    with pytest.raises(duckdb.Error, match="read-only"):
        run_query(db_path, "delete from articles")


def test_a_failed_write_is_rolled_back(db_path):
    with pytest.raises(RuntimeError):
        with db.write(db_path) as conn:
            conn.execute("insert into feeds (url, source, kind) values ('https://x/feed', 'x', 'rss')")
            raise RuntimeError("boom")
    assert run_query(db_path, "select count(*) from feeds").rows == [(0,)]


def test_a_batch_runs_in_the_threads_it_asks_for(db_path):
    def threads(conn) -> int:
        return conn.execute("select current_setting('threads')").fetchone()[0]

    with db.write(db_path) as conn:
        default = threads(conn)
    with db.write(db_path, threads=1) as conn:
        assert threads(conn) == 1
    with db.read(db_path, threads=1) as conn:
        assert threads(conn) == 1
    with db.read(db_path) as conn:  # the next connection has DuckDB's default again
        assert threads(conn) == default


def test_default_db_path(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WINNOW_DB", raising=False)
    assert default_db_path() == tmp_path.resolve() / "data" / "winnow.duckdb"
    monkeypatch.setenv("WINNOW_DB", str(tmp_path / "elsewhere.duckdb"))
    assert default_db_path() == tmp_path.resolve() / "elsewhere.duckdb"
    monkeypatch.setenv("WINNOW_DB", "~/x.duckdb")
    assert default_db_path() == tmp_path.resolve() / "home" / "x.duckdb"


def test_a_path_under_home_is_one_file_for_migrate_write_and_read(monkeypatch, tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "work")  # where a `~` taken literally would land
    migrate("~/w.duckdb")
    with db.write("~/w.duckdb") as conn:
        conn.execute("insert into feeds (url, source, kind) values ('https://x/feed', 'x', 'rss')")
    with db.read("~/w.duckdb") as conn:
        assert conn.execute("select count(*) from feeds").fetchone() == (1,)
    assert (tmp_path / "home" / "w.duckdb").exists()
    assert list((tmp_path / "work").iterdir()) == []


def test_a_write_creates_the_folder(tmp_path):
    nested = tmp_path / "data" / "winnow.duckdb"
    with db.write(nested):
        pass
    assert nested.exists()


# The import structure of warehouse/ ---------------------------------------------------------

WAREHOUSE = Path(warehouse.__file__).parent


# That db.py imports nothing from the rest of warehouse/, and that the modules import each other
# without cycles, are import-linter contracts (pyproject.toml), checked by `make lint`.


def test_only_the_connection_module_spells_a_path():
    """Turning a user's path into a file happens in db.resolved(), nowhere else in warehouse/."""
    spelled = {
        (path.name, node.func.attr)
        for path in WAREHOUSE.glob("*.py")
        if path.name != "db.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("resolve", "expanduser", "absolute")
    }
    assert spelled == set()

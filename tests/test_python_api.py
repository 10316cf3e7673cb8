"""The Python API of the README (`winnow.extract`, `winnow.strip`, `winnow.connect`): its example
runs as written, and each function keeps its promise."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import duckdb
import pytest

import winnow
from winnow.warehouse.migrate import migrate

ROOT = Path(__file__).resolve().parents[1]


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Using winnow from Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_runs_as_written(tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    migrate(str(warehouse))
    monkeypatch.setenv("WINNOW_DB", str(warehouse))
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(readme_example(), {})
    printed = printed.getvalue()
    page = (ROOT / "demo/site/northgate-observer/politics/mayor-elected.html").read_bytes()
    assert printed.startswith(winnow.extract(page, url="https://example.org/a").title)
    assert "The council met on Monday.\nThe vote was 7 to 2.\n" in printed  # the newsletter line gone
    assert printed.endswith("[]\n")  # an empty warehouse: no articles yet


def test_extract_returns_the_article_with_its_removed_chaff():
    page = (ROOT / "demo/site/northgate-observer/politics/mayor-elected.html").read_bytes()
    article = winnow.extract(page, url="https://northgate.example/politics/mayor-elected")
    assert article.word_count > 100 and article.title
    assert article.chaff and all(block.kind and block.rule for block in article.chaff)
    assert not any(block.text in article.text for block in article.chaff)


def test_extract_says_why_a_page_holds_no_article():
    with pytest.raises(winnow.NoArticle) as raised:
        winnow.extract("<html><body><p>Page not found.</p></body></html>", url="https://example.org/404")
    assert raised.value.reason and "https://example.org/404" in str(raised.value)


def test_strip_keeps_the_text_and_drops_the_appeals():
    text = "Ferries resumed at dawn.\nSupport independent journalism: donate today.\nThe harbour reopened at noon."
    assert winnow.strip(text) == "Ferries resumed at dawn.\nThe harbour reopened at noon."


def test_connect_is_read_only_by_default(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    migrate(str(warehouse))
    with winnow.connect(warehouse) as db:
        assert db.sql("select count(*) from articles").fetchone() == (0,)
        with pytest.raises(duckdb.InvalidInputException):
            db.execute("delete from articles")


def test_the_package_says_its_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", winnow.__version__)

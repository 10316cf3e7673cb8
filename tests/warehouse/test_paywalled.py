"""The paywalled flag is stored with the article, and a later copy that is free clears it."""

from dataclasses import replace

from tests.support.records import article, fetched
from winnow.warehouse.articles import load_batch
from winnow.warehouse.query import run_query

A, B = "https://news.example/a", "https://news.example/b"


def test_the_paywalled_flag_is_loaded_and_updated(db_path):
    closed = replace(article(A, "The free part of a.", body=b"<html>a</html>"), paywalled=True)
    load_batch(
        db_path,
        "run-1",
        [fetched(A, b"<html>a</html>"), fetched(B, b"<html>b</html>")],
        [closed, article(B, "All of b.", body=b"<html>b</html>")],
        [],
    )
    assert run_query(db_path, "select url, paywalled from articles order by url").rows == [(A, True), (B, False)]

    opened = article(A, "All of a, now free to read.", body=b"<html>a2</html>")
    load_batch(db_path, "run-2", [fetched(A, b"<html>a2</html>")], [opened], [])
    assert run_query(db_path, "select paywalled from articles where url = ?", [A]).rows == [(False,)]

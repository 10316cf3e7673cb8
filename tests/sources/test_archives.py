"""Web archives: WARC records read in batches that say where reading goes on, local files and
files served on 127.0.0.1 (byte ranges included), and a CC-NEWS-shaped index."""

from __future__ import annotations

import io
import time

import httpx
import pytest

from tests.support.archives import cc_news_index, ranged
from tests.support.localserver import LOOPBACK, LOOPBACK_YAML
from winnow.demo.archive import CAPTURED, articles_warc, warc
from winnow.sources.addresses import parse_networks
from winnow.sources.archive_stream import ArchiveError, ArchiveJob, ArchiveStream, archive_locations, open_archive
from winnow.sources.archives import archive_batches
from winnow.sources.config import parse_config
from winnow.sources.fetch import FetchPolicy

SITE = "https://news.example"


def on_site(url, captured) -> bool:
    return url.startswith(SITE + "/")


def batches_of(data: bytes, resume_at: int = 0, batch_size: int = 2) -> list:
    stream = io.BytesIO(data)
    stream.seek(resume_at)
    return list(archive_batches(stream, "news", "a.warc.gz", on_site, batch_size=batch_size, max_bytes=1_000_000))


def test_only_html_responses_of_the_source_become_pages_with_their_capture_time():
    data = warc(
        [
            (f"{SITE}/story", 200, "text/html; charset=utf-8", b"<html><p>story</p></html>"),
            ("https://elsewhere.example/x", 200, "text/html", b"<html>x</html>"),
            (f"{SITE}/logo.png", 200, "image/png", b"\x89PNG"),
            (f"{SITE}/gone", 404, "text/html", b"<html>no</html>"),
            (f"{SITE}/empty", 200, "text/html", b""),
        ]
    )
    (batch,) = batches_of(data, batch_size=10)
    (page,) = batch.pages
    assert (page.url, page.final_url, page.outcome, page.status, page.body) == (
        f"{SITE}/story",
        f"{SITE}/story",
        "fetched",
        200,
        b"<html><p>story</p></html>",
    )
    assert page.fetched_at == CAPTURED and page.attempts == []
    assert batch.skipped == {"request record": 5, "not the source's": 1, "not HTML": 1, "HTTP 404": 1, "empty body": 1}
    assert batch.position.done and batch.position.resume_at == len(data) and batch.position.pages == 1


def test_reading_goes_on_from_any_batch_s_position_and_takes_each_page_once():
    data = articles_warc(SITE, 5)
    batches = batches_of(data)
    assert [len(b.pages) for b in batches] == [2, 2, 1] and [b.position.done for b in batches] == [False, False, True]
    every = [p.url for b in batches for p in b.pages]
    for stopped_after in range(len(batches) - 1):
        rest = batches_of(data, batches[stopped_after].position.resume_at)
        taken = [p.url for b in batches[: stopped_after + 1] for p in b.pages] + [p.url for b in rest for p in b.pages]
        assert taken == every  # nothing lost, nothing twice
    assert len(set(every)) == 5


def test_an_archive_of_whole_batches_ends_with_its_last_full_batch():
    data = articles_warc(SITE, 4)
    batches = batches_of(data)
    assert [len(b.pages) for b in batches] == [2, 2] and [b.position.done for b in batches] == [False, True]
    assert batches[-1].position.resume_at == len(data)
    assert [len(b.pages) for b in batches_of(data, batches[0].position.resume_at)] == [2]


def test_an_archive_served_over_http_resumes_with_a_byte_range(http_server, tmp_path):
    data = articles_warc(SITE, 4)
    http_server.routes["/a.warc.gz"] = ranged(data)
    http_server.add("/whole.warc.gz", data, content_type="application/warc")  # no range support
    first, *rest = batches_of(data)
    policy = FetchPolicy(user_agent="winnow-test/0.1", rate_limit=10, allowed_networks=parse_networks(LOOPBACK))
    with httpx.Client() as client:
        for path in ("/a.warc.gz", "/whole.warc.gz"):
            with open_archive(http_server.url(path), first.position.resume_at, client, policy) as stream:
                assert stream.tell() == first.position.resume_at
                urls = [
                    p.url
                    for b in archive_batches(stream, "news", path, on_site, batch_size=10, max_bytes=1_000_000)
                    for p in b.pages
                ]
            assert urls == [p.url for b in rest for p in b.pages]  # the pages after the first batch's
    assert http_server.hits("/a.warc.gz")[0].headers["range"] == f"bytes={first.position.resume_at}-"


def test_an_archive_url_on_a_private_address_is_refused(http_server):
    http_server.routes["/a.warc.gz"] = ranged(articles_warc(SITE, 1))
    policy = FetchPolicy(user_agent="winnow-test/0.1", rate_limit=10)  # no allowed_networks: loopback refused
    with httpx.Client() as client, pytest.raises(ArchiveError, match="refused: 127.0.0.1"):
        with open_archive(http_server.url("/a.warc.gz"), 0, client, policy):
            pass
    assert http_server.hits("/a.warc.gz") == []


def test_cc_news_lists_the_archives_of_the_range_from_each_month_s_index(http_server, tmp_path):
    month = "crawl-data/CC-NEWS/2024/01"
    names = [
        "CC-NEWS-20231231230000-00001.warc.gz",
        "CC-NEWS-20240101000000-00002.warc.gz",
        "CC-NEWS-20240102120000-00003.warc.gz",
        "CC-NEWS-20240104000000-00004.warc.gz",
    ]
    http_server.add(
        f"/{month}/warc.paths.gz",
        cc_news_index([f"{month}/{n}" for n in names]),
        content_type="application/octet-stream",
    )
    config = parse_config(
        f"sources:\n  - name: news\n    feeds: [{{kind: ccnews, start: 2024-01-01, end: 2024-01-02,"
        f" index: '{http_server.base_url}'}}]\n    allowed_domains: [news.example]\n"
        f"    allowed_networks: {LOOPBACK_YAML}\n",
        tmp_path,
        "sources.yaml",
    )
    source = config.sources[0]
    with httpx.Client() as client:
        archives = archive_locations(source.feeds[0], client, FetchPolicy.for_source(source))
    assert archives == [f"{http_server.base_url}/{month}/{n}" for n in names[1:3]]


def test_the_stream_reads_a_glob_of_files_holds_back_until_released_and_stops(tmp_path):
    folder = tmp_path / "archives"
    folder.mkdir()
    for number in range(3):
        (folder / f"part-{number}.warc.gz").write_bytes(articles_warc(SITE, 3, first=3 * number))
    config = parse_config(
        "sources:\n  - name: news\n    feeds: [{kind: warc, path: 'archives/*.warc.gz'}]\n"
        "    allowed_domains: [news.example]\n",
        tmp_path,
        "sources.yaml",
    )
    source = config.sources[0]
    done_archive = str(folder / "part-0.warc.gz")
    stream = ArchiveStream([ArchiveJob(source, {done_archive: (0, True)}, 1000)], batch_size=2, buffer=1)
    taken = []
    while not taken:
        taken += stream.take(0.05)
    time.sleep(0.3)
    assert len(taken + stream.take(0)) == 1  # one batch in hand: the reader waits for its release
    while not stream.done:
        stream.release()
        taken += stream.take(0.05)
    urls = [p.url for b in taken for p in b.pages]
    assert len(urls) == 6 and len(set(urls)) == 6  # part-0 was read to its end before: not again
    assert [(b.position.archive.rsplit("/", 1)[1], b.position.done) for b in taken if b.position.done] == [
        ("part-1.warc.gz", True),
        ("part-2.warc.gz", True),
    ]
    assert stream.errors == []

    stopped = ArchiveStream([ArchiveJob(source, {}, 1000)], batch_size=2, buffer=1)
    first = []
    while not first:
        first += stopped.take(0.05)
    stopped.stop()
    deadline = time.monotonic() + 2
    while not stopped.done and time.monotonic() < deadline:
        first += stopped.take(0.05)
    assert stopped.done and len(first) == 1  # the batch read is kept; nothing more is read


def test_a_feed_needs_a_place_and_a_source_of_archives_its_domains(tmp_path):
    from winnow.sources.config import ConfigError

    with pytest.raises(ConfigError) as error:
        parse_config(
            "sources:\n  - name: a\n    feeds: [{kind: warc, path: x.warc, url: 'https://h.example/x.warc'}]\n"
            "  - name: b\n    feeds: [{kind: ccnews, start: 2024-01-05, end: 2024-01-01}]\n"
            "  - name: c\n    feeds: [{kind: warc, path: x.warc}]\n",
            tmp_path,
            "sources.yaml",
        )
    assert error.value.messages == [
        "sources.yaml: source 'a' (sources[0]), field feeds[0]: give either path (a WARC file or a glob of them)"
        " or url, not both",
        "sources.yaml: source 'b' (sources[1]), field feeds[0]: end 2024-01-01 is before start 2024-01-05",
        "sources.yaml: source 'c' (sources[2]): a source with a warc or ccnews feed must list allowed_domains:"
        " the sites whose pages to take from the archive",
    ]

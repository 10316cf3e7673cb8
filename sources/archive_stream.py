"""A run's web archives, read in a background thread: the flow takes their batches of pages as
they come, and releases each once it is loaded.

Each source's archive feeds are listed (a glob of local WARC files, a WARC at a URL, or the
CC-NEWS files of a date range from Common Crawl's index), then each archive not read to its end
yet is read from its cursor on. robots.txt and rate limits do not apply to an archive; the
address policy (`allowed_networks`) does, to the archive's own URL, and the source's allowed
domains to its records. An archive that cannot be read is reported in `errors` and the others
go on; its cursor stays where the last loaded batch left it.
"""

from __future__ import annotations

import asyncio
import glob
import queue
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

import httpx

from winnow.sources.addresses import AddressGuard
from winnow.sources.archives import ArchiveBatch, archive_batches
from winnow.sources.feeds import CCNewsFeed, WarcFeed
from winnow.sources.fetch import FetchPolicy
from winnow.sources.source_config import SourceConfig

_END = object()  # the stream's last item
CC_NEWS = "crawl-data/CC-NEWS"
MAX_INDEX_BYTES = 10 * 1024 * 1024  # a month's warc.paths.gz, unpacked, is about 100 kB
SLOT_POLL_S = 0.2  # how often a reader waiting for the loader checks whether the run was stopped


class ArchiveError(Exception):
    """An archive, or an index of archives, that cannot be read."""


@dataclass(frozen=True)
class ArchiveJob:
    """One source's archives to read, and where each stands: archive -> (resume_at, done)."""

    source: SourceConfig
    cursors: dict[str, tuple[int, bool]]
    max_pages: int


class ArchiveStream:
    """Reads the jobs' archives in a background thread, at most `buffer` batches ahead of the
    loader; `take` the batches, `release` each once loaded."""

    def __init__(self, jobs: list[ArchiveJob], batch_size: int, buffer: int) -> None:
        self.errors: list[str] = []
        self._batches: queue.SimpleQueue = queue.SimpleQueue()
        self._slots = threading.Semaphore(buffer)
        self._stopped = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._read_all, args=(jobs, batch_size), name="archives", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        """Whether every batch has been taken (and no more will come)."""
        return self._finished

    def take(self, wait_s: float) -> list[ArchiveBatch]:
        """The batches read so far, waiting up to `wait_s` for the first; [] if none came."""
        taken: list[ArchiveBatch] = []
        if self._finished:
            return taken
        try:
            item = self._batches.get(timeout=wait_s) if wait_s else self._batches.get_nowait()
            while True:
                if item is _END:
                    self._finished = True
                    break
                taken.append(item)
                item = self._batches.get_nowait()
        except queue.Empty:
            pass
        return taken

    def release(self) -> None:
        """One batch taken is loaded: one more may be read."""
        self._slots.release()

    def stop(self) -> None:
        """Read no further; the batches read can still be taken. Safe in a signal handler."""
        self._stopped.set()

    def _read_all(self, jobs: list[ArchiveJob], batch_size: int) -> None:
        try:
            with httpx.Client(follow_redirects=True, timeout=60) as client:
                for job in jobs:
                    self._read_source(job, batch_size, client)
        finally:
            self._batches.put(_END)

    def _read_source(self, job: ArchiveJob, batch_size: int, client: httpx.Client) -> None:
        source, taken = job.source, 0
        policy = FetchPolicy.for_source(source)
        for feed in source.archive_feeds():
            try:
                archives = archive_locations(feed, client, policy)
            except (ArchiveError, httpx.HTTPError) as error:
                self.errors.append(f"{source.name}: {_describe(feed)}: {error}")
                continue
            keep = _record_filter(source, feed)
            for archive in archives:
                resume_at, done = job.cursors.get(archive, (0, False))
                if done:
                    continue
                try:
                    with open_archive(archive, resume_at, client, policy) as stream:
                        for batch in archive_batches(
                            stream, source.name, archive, keep, batch_size=batch_size, max_bytes=policy.max_bytes
                        ):
                            if not self._hand_over(batch):
                                return
                            taken += len(batch.pages)
                            if taken >= job.max_pages and not batch.position.done:
                                return  # the rest next run, from this batch's cursor
                except Exception as error:  # noqa: BLE001 - warcio, gzip, the network: the archive is reported
                    self.errors.append(f"{source.name}: {archive}: {type(error).__name__}: {error}")

    def _hand_over(self, batch: ArchiveBatch) -> bool:
        """Queue `batch` once the loader has room for it; False when the run was stopped."""
        while not self._slots.acquire(timeout=SLOT_POLL_S):
            if self._stopped.is_set():
                return False
        if self._stopped.is_set():
            return False
        self._batches.put(batch)
        return True


def archive_locations(feed: WarcFeed | CCNewsFeed, client: httpx.Client, policy: FetchPolicy) -> list[str]:
    """The archives a feed names, in order: file paths or URLs."""
    if isinstance(feed, CCNewsFeed):
        return cc_news_archives(feed, client, policy)
    if feed.url:
        return [feed.url]
    paths = sorted(glob.glob(feed.path))
    if not paths:
        raise ArchiveError(f"no file matches {feed.path}")
    return paths


def cc_news_archives(feed: CCNewsFeed, client: httpx.Client, policy: FetchPolicy) -> list[str]:
    """The CC-NEWS WARC files written from `start` to `end` (their names carry the time), from
    the index of each month (crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz)."""
    base, archives = feed.index.rstrip("/"), []
    for year, month in _months(feed.start, feed.end):
        index_url = f"{base}/{CC_NEWS}/{year}/{month:02d}/warc.paths.gz"
        _check_address(index_url, policy)
        response = client.get(index_url, headers={"User-Agent": policy.user_agent})
        if response.status_code == 404:
            continue  # a month with no archive (yet)
        response.raise_for_status()
        listing = _gunzip(response.content).decode("utf-8", errors="replace")
        archives += [
            f"{base}/{path.strip()}"
            for path in listing.splitlines()
            if path.strip() and feed.start <= (_written_on(path) or date.min) <= feed.end
        ]
    return archives


@contextmanager
def open_archive(archive: str, resume_at: int, client: httpx.Client, policy: FetchPolicy) -> Iterator[BinaryIO]:
    """The archive as a stream positioned at `resume_at` (a record's offset)."""
    if not archive.startswith(("http://", "https://")):
        with open(archive, "rb") as file:
            file.seek(resume_at)
            yield file
        return
    _check_address(archive, policy)
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "identity"}
    if resume_at:
        headers["Range"] = f"bytes={resume_at}-"
    with client.stream("GET", archive, headers=headers) as response:
        if response.status_code not in (200, 206):
            raise ArchiveError(f"HTTP {response.status_code}")
        start = resume_at if response.status_code == 206 else 0  # a server may ignore the range
        body = _ResponseBody(response.iter_raw(), start)
        body.skip(resume_at - start)
        yield body


class _ResponseBody:
    """A streamed HTTP body as the file warcio reads: `read(size)`, and `tell()` counted from the
    archive's start, so that record offsets are the archive's."""

    def __init__(self, chunks: Iterator[bytes], offset: int) -> None:
        self._chunks, self._offset, self._pending = chunks, offset, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._pending += chunk
        data = self._pending if size < 0 else self._pending[:size]
        self._pending = self._pending[len(data) :]
        self._offset += len(data)
        return data

    def tell(self) -> int:
        return self._offset

    def skip(self, size: int) -> None:
        """Read and drop `size` bytes."""
        while size > 0 and (data := self.read(min(size, 1 << 20))):
            size -= len(data)


def _check_address(url: str, policy: FetchPolicy) -> None:
    refusal = asyncio.run(AddressGuard().refusal(url, policy.allowed_networks))
    if refusal:
        raise ArchiveError(refusal[1])


def _gunzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip header expected
    try:
        return inflater.decompress(data, MAX_INDEX_BYTES)
    except zlib.error as error:
        raise ArchiveError(f"index is no gzip file: {error}") from error


def _record_filter(source: SourceConfig, feed: WarcFeed | CCNewsFeed):
    """Whether a record's page is the source's: on its domains, and for CC-NEWS captured in the range."""
    if isinstance(feed, CCNewsFeed):
        return lambda url, captured: (feed.start <= captured.date() <= feed.end) and source.allows(url)
    return lambda url, captured: source.allows(url)


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _written_on(path: str) -> date | None:
    """The day in a CC-NEWS file name: CC-NEWS-20240101001250-00000.warc.gz -> 2024-01-01."""
    stamp = path.rsplit("/", 1)[-1].removeprefix("CC-NEWS-")[:8]
    try:
        return datetime.strptime(stamp, "%Y%m%d").date()
    except ValueError:
        return None


def _describe(feed: WarcFeed | CCNewsFeed) -> str:
    if isinstance(feed, CCNewsFeed):
        return f"ccnews {feed.start} to {feed.end}"
    return f"warc {feed.url or feed.path}"

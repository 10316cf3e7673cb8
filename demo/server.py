"""The demo site's HTTP server: the bundled corpus on 127.0.0.1, for tests, demos and benchmarks.

    with serve_site() as base_url:          # e.g. "http://127.0.0.1:40123"
        httpx.get(base_url + "/harbour-herald/feed.xml")

    python -m demo.server [--port N] [--copies N]

Files hold the placeholder {{base_url}} wherever an absolute URL is needed; it is replaced
with the real base URL as each text file is served.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import cycle, islice
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE_ROOT = Path(__file__).parent / "site"
DEMO_SOURCES = Path(__file__).parent / "sources.yaml"
PLACEHOLDER = "{{base_url}}"
# File mtimes change with every git checkout, so every response claims this one date instead.
LAST_MODIFIED = datetime(2026, 11, 21, tzinfo=timezone.utc)
TEXT_SUFFIXES = {".html", ".xml", ".txt", ".yaml", ".json"}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".yaml": "application/yaml",
    ".json": "application/json",
    ".gz": "application/gzip",
}
FEED_TYPES = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}


def render_sources(base_url: str) -> str:
    """demo/sources.yaml with its URLs pointing at `base_url` (e.g. from `serve_site`); its defaults
    allow loopback (`allowed_networks`), where `serve_site` listens."""
    return DEMO_SOURCES.read_text(encoding="utf-8").replace(PLACEHOLDER, base_url)


@contextmanager
def serve_site(root: Path = SITE_ROOT, port: int = 0, copies: int = 0) -> Iterator[str]:
    """Serve the site under `root` on 127.0.0.1:`port` (0: a free port) from a background
    thread, and yield its base URL; the server stops when the block exits.

    `copies` > 0 adds /bench/sitemap.xml listing that many distinct article URLs
    /bench/<i>/<article path>, each serving that article with its canonical URL rewritten.
    """
    handler = type("DemoSiteHandler", (_Handler,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    httpd.daemon_threads = True
    base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    handler.site = _Site(root, base_url, copies)
    # A short poll interval makes shutdown quick, for tests that start many servers.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), name="demo-site", daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class _Site:
    """What the server answers for a path, apart from HTTP: (body, content type) or None."""

    def __init__(self, root: Path, base_url: str, copies: int) -> None:
        self.root = root.resolve()
        self.base_url = base_url
        self.copies = copies
        truth: dict[str, dict[str, str]] = {}
        if copies:  # only the benchmark needs the article list
            truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        self.articles = sorted(truth)
        self.bench_sitemap = "".join(
            f"  <url><loc>{PLACEHOLDER}/bench/{i}/{path}</loc><lastmod>{truth[path]['published']}</lastmod></url>\n"
            for i, path in enumerate(islice(cycle(self.articles), copies))
        )

    def get(self, request_target: str) -> tuple[bytes, str] | None:
        path = unquote(urlsplit(request_target).path)
        if self.copies and path.startswith("/bench/"):
            return self._bench(path.removeprefix("/bench/"))
        return self._file(path.lstrip("/"))

    def _file(self, relative: str) -> tuple[bytes, str] | None:
        try:
            target = (self.root / relative).resolve()
        except (OSError, ValueError):  # e.g. an embedded NUL byte
            return None
        if not target.is_relative_to(self.root):  # "..", or a symlink pointing out
            return None
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            return self._render(target.read_bytes(), target.name)
        plain = target.with_suffix("")
        if target.suffix == ".gz" and plain.is_file():
            body, _ = self._render(plain.read_bytes(), plain.name)
            return gzip.compress(body, mtime=0), CONTENT_TYPES[".gz"]  # mtime=0: stable ETag
        return None

    def _bench(self, rest: str) -> tuple[bytes, str] | None:
        if rest == "sitemap.xml":
            sitemap = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{self.bench_sitemap}</urlset>\n"
            )
            return self._render(sitemap.encode(), "sitemap.xml")
        index, _, article = rest.partition("/")
        # str(int(...)) rejects "07": one spelling per copy, so URLs stay distinct pages.
        if not index.isdigit() or str(int(index)) != index or int(index) >= self.copies:
            return None
        if article not in self.articles:
            return None
        own, copy = f"{PLACEHOLDER}/{article}", f"{PLACEHOLDER}/bench/{index}/{article}"
        html = (self.root / article).read_bytes().replace(own.encode(), copy.encode())
        return self._render(html, article)

    def _render(self, data: bytes, name: str) -> tuple[bytes, str]:
        suffix = Path(name).suffix
        if suffix in TEXT_SUFFIXES:
            data = data.replace(PLACEHOLDER.encode(), self.base_url.encode())
        content_type = FEED_TYPES.get(name) or CONTENT_TYPES.get(suffix, "application/octet-stream")
        return data, content_type


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall
    site: _Site  # set on each server's own subclass by serve_site

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        found = self.site.get(self.path)
        if found is None:
            self._send(404, b"not found\n", {"Content-Type": CONTENT_TYPES[".txt"]}, send_body)
            return
        body, content_type = found
        validators = {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            "Last-Modified": format_datetime(LAST_MODIFIED, usegmt=True),
        }
        if not_modified(self.headers, validators["ETag"]):
            self._send(304, b"", validators, send_body=False)
        else:
            self._send(200, body, {"Content-Type": content_type, **validators}, send_body)

    def _send(self, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: tests and benchmarks make thousands of requests


def not_modified(headers: Message, etag: str) -> bool:
    """Whether a conditional GET's validators match; If-None-Match wins over
    If-Modified-Since when both are sent (RFC 9110, 13.2.2)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= LAST_MODIFIED
    except (TypeError, ValueError):  # unparsable, or a date without a zone
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demo.server", description="Serve the winnow demo site until Ctrl-C."
    )
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--copies", type=int, default=0, help="also serve /bench/sitemap.xml with this many article copies"
    )
    args = parser.parse_args()
    with serve_site(port=args.port, copies=args.copies) as base_url:
        print(f"Serving the demo site at {base_url}/ (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

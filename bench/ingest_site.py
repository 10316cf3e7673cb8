"""The site bench/ingest.py ingests: the demo site served in its own process with N distinct
article URLs, the sources config that reads it, and its pages downloaded once for the baseline."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bench.child_processes import free_port

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "bench"


@contextmanager
def demo_server_process(copies: int) -> Iterator[str]:
    """The demo site in its own process, as a remote site would be: its threads do not compete
    with the ingest for this process's GIL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "winnow.demo.server", "--port", str(free_port()), "--copies", str(copies)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = process.stdout.readline()  # "Serving the demo site at http://127.0.0.1:N/ (...)"
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_config(path: Path, base_url: str, pages: int) -> None:
    path.write_text(
        "# Written by bench/ingest.py: the demo pages under distinct URLs, rate limit lifted.\n"
        "# The copies repeat each other's text by design: the duplicate check is relaxed, still run.\n"
        "validation:\n  max_duplicate_share: 1.0\n"
        "sources:\n"
        f"  - name: {SOURCE}\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        '    allowed_networks: ["127.0.0.0/8"]\n'  # the bench server is on loopback, refused otherwise
        "    rate_limit: 100000.0\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def download_pages(base_url: str) -> list[tuple[str, bytes]]:
    """The bodies the flow will fetch: every URL of the bench sitemap, fetched once, untimed."""
    import httpx
    from lxml import etree

    with httpx.Client(timeout=30) as client:
        sitemap = client.get(base_url + "/bench/sitemap.xml")
        sitemap.raise_for_status()
        urls = [
            loc.text.strip()
            for loc in etree.fromstring(sitemap.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        ]
        pages = []
        for url in urls:
            response = client.get(url)
            response.raise_for_status()
            pages.append((url, response.content))
    return pages

"""The demo corpus as web archives: WARC files of its articles, for the backfill tests and
benchmarks (written with warcio, a gzip member per record, as archives are).

    python -m demo.archive OUT.warc.gz --copies N [--site https://news.example]
"""

from __future__ import annotations

import argparse
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from winnow.demo.server import SITE_ROOT

ARTICLES = sorted(json.loads((SITE_ROOT / "ground-truth.json").read_text(encoding="utf-8")))
CAPTURED = datetime(2024, 1, 2, 10, 0, tzinfo=timezone.utc)


def article_page(site: str, path: str) -> bytes:
    """A demo article as its site at `site` (https://...) serves it."""
    return (SITE_ROOT / path).read_text(encoding="utf-8").replace("{{base_url}}", site).encode()


def warc(records: list[tuple[str, int, str, bytes]], captured: datetime = CAPTURED) -> bytes:
    """A gzipped WARC of response records (url, status, content type, body), captured a minute
    apart from `captured`, each after a request record as crawlers write them."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for number, (url, status, content_type, body) in enumerate(records):
        when = (captured + timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
        writer.write_record(
            writer.create_warc_record(
                url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"), warc_headers_dict={"WARC-Date": when}
            )
        )
        http = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": when}
            )
        )
    return out.getvalue()


def articles_warc(site: str, count: int, first: int = 0, captured: datetime = CAPTURED) -> bytes:
    """`count` distinct article pages of the site at `site`, at /copy/<n>/<demo article path>
    (each copy's own canonical URL, so each is an article of its own)."""
    return warc(
        [
            (
                f"{site}/copy/{n}/{ARTICLES[n % len(ARTICLES)]}",
                200,
                "text/html; charset=utf-8",
                article_page(f"{site}/copy/{n}", ARTICLES[n % len(ARTICLES)]),
            )
            for n in range(first, first + count)
        ],
        captured,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.archive", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the WARC file to write (.warc.gz)")
    parser.add_argument("--copies", type=int, required=True, help="distinct article pages")
    parser.add_argument("--site", default="https://news.example", help="the site the pages are of")
    args = parser.parse_args()
    args.out.write_bytes(articles_warc(args.site, args.copies))
    print(f"wrote {args.copies} pages of {args.site} to {args.out}")


if __name__ == "__main__":
    main()

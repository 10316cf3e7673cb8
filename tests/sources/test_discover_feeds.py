"""Discovery's feed parser: RSS, Atom and JSON Feed bodies in, entries out (no network)."""

import json
import time
from datetime import datetime, timezone

import pytest

from tests.support.feeds import BILLION_LAUGHS, RSS
from winnow.sources.parsers import DiscoveryError, parse_feed

UTC = timezone.utc


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Herald</title><id>urn:x</id>
  <updated>2025-06-10T08:00:00Z</updated>
  <entry><title>Gulls</title><id>urn:1</id>
    <link rel="alternate" href="https://herald.example/news/gulls"/>
    <published>2025-06-09T23:30:00-01:00</published><updated>2025-06-11T00:00:00Z</updated></entry>
  <entry><title>Only updated</title><id>urn:2</id>
    <link href="https://herald.example/news/updated"/><updated>2025-06-11T12:00:00Z</updated></entry>
</feed>"""


def test_parse_rss_links_and_utc_dates():
    entries = parse_feed(RSS, "https://herald.example/feed.xml")
    assert entries == [
        ("https://herald.example/news/tide?utm_source=rss", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("https://herald.example/news/relative", None),
    ]


def test_parse_atom_prefers_published_over_updated():
    entries = parse_feed(ATOM, "https://herald.example/atom.xml")
    assert entries == [
        ("https://herald.example/news/gulls", datetime(2025, 6, 10, 0, 30, tzinfo=UTC)),
        ("https://herald.example/news/updated", datetime(2025, 6, 11, 12, 0, tzinfo=UTC)),
    ]


def test_parse_feed_keeps_entries_of_a_truncated_feed():
    broken = RSS[: RSS.index(b"<item><title>Relative")]
    assert [url for url, _ in parse_feed(broken, "https://herald.example/f")] == [
        "https://herald.example/news/tide?utm_source=rss"
    ]


@pytest.mark.parametrize("body", [b"<html><body><p>Not a feed</p></body></html>", b"not xml at all <<<", b""])
def test_parse_feed_rejects_what_is_no_feed(body):
    with pytest.raises(DiscoveryError, match="not an RSS or Atom feed"):
        parse_feed(body, "https://herald.example/f")


def test_parse_feed_does_not_read_a_body_as_a_file_name(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    with pytest.raises(DiscoveryError):
        parse_feed(str(secret).encode(), "https://herald.example/f")


def test_parse_feed_does_not_expand_entities():
    body = (
        BILLION_LAUGHS
        + b"""<rss version="2.0"><channel><title>&lol9;</title>
      <item><title>&lol9;</title><link>https://herald.example/a</link></item></channel></rss>"""
    )
    started = time.monotonic()
    entries = parse_feed(body, "https://herald.example/f")
    assert time.monotonic() - started < 1
    assert [url for url, _ in entries] == ["https://herald.example/a"]


JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Herald",
        "items": [
            {
                "id": "1",
                "url": "/news/tide",
                "date_published": "2025-06-10T06:00:00+02:00",
                "date_modified": "2025-06-11T00:00:00Z",
            },
            {"id": "https://herald.example/news/gulls", "date_modified": "2025-06-11t12:00:00z"},
            {
                "id": "3",
                "url": "https://herald.example/news/link-post",
                "external_url": "https://elsewhere.example/story",
                "date_published": "not a date",
                "date_modified": "2025-06-12T08:00:00.5Z",
            },
            {"id": "4", "external_url": "https://elsewhere.example/only-there"},  # no permalink of its own
            {"id": "urn:5", "content_text": "a note: neither url nor a URL for an id"},
            {"id": 6, "url": ""},
            "not an item",
        ],
    }
).encode()


def test_parse_json_feed_links_and_dates():
    assert parse_feed(JSON_FEED, "https://herald.example/feed.json") == [
        ("https://herald.example/news/tide", datetime(2025, 6, 10, 4, 0, tzinfo=UTC)),
        ("https://herald.example/news/gulls", datetime(2025, 6, 11, 12, 0, tzinfo=UTC)),
        ("https://herald.example/news/link-post", datetime(2025, 6, 12, 8, 0, 0, 500_000, tzinfo=UTC)),
    ]


def test_parse_json_feed_version_1_after_a_byte_order_mark():
    body = b'\xef\xbb\xbf \n{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "url": "a"}]}'
    assert parse_feed(body, "https://herald.example/feeds/main.json") == [("https://herald.example/feeds/a", None)]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b'{"version": "1.1", "items": []}', "not a JSON Feed: no https://jsonfeed.org/version/ in its version"),
        (b'{"error": "rate limited"}', "not a JSON Feed: no https://jsonfeed.org/version/"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "not a JSON Feed: no list of items"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "not a JSON Feed: malformed JSON"),
        (b'{"items": ' + b"[" * 200_000, "not a JSON Feed: malformed JSON"),  # nested past the stack
        (b'{"items": ' + b"9" * 10_000 + b"}", "not a JSON Feed: malformed JSON"),  # an int too long to convert
    ],
    ids=["bare-version", "other-json", "items-not-a-list", "truncated", "deep", "long-int"],
)
def test_parse_json_feed_rejects_what_is_no_json_feed(body, match):
    with pytest.raises(DiscoveryError, match=match):
        parse_feed(body, "https://herald.example/feed.json")

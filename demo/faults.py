"""The demo site's bench copies with faulty responses, for the soak benchmark (bench/soak.py).

    python -m demo.faults [--port N] --copies N [--fault-rate 0.2] [--permanent-rate 0.02] [--seed 7]

It serves what `python -m demo.server --copies N` serves (/bench/sitemap.xml and N distinct
article URLs /bench/<i>/<article path>), except that article responses go wrong:

- PERMANENT, per URL: a fixed, seeded share (`--permanent-rate`) of the article URLs always
  answer 404 or 410 (half each). Nothing can fetch them; the pipeline should mark them gone.
- TRANSIENT, per response: every other article response is faulty with probability
  `--fault-rate`. The draw is seeded and depends on (seed, URL, how many times this URL was
  requested before), so the same requests in the same order get the same faults, and a retry
  (within a run or in a later run) draws again and may succeed. The kinds, equally likely:

    http_500       500, no body worth reading
    http_503       503, no Retry-After
    http_429       429 with Retry-After: 1
    reset          the connection is closed with an RST, no response at all
    cut_body       headers with the full Content-Length, half the body, then the connection closes
    trickle        the full, correct body in 10 pieces over ~0.5 s (slow, but within any timeout)
    redirect_loop  302 to <url>?soak-loop=1, which 302s back to <url>
    empty_body     200 text/html with an empty body
    truncated_html 200 with a correct Content-Length but only the first 40% of the HTML
    wrong_charset  200 declaring utf-8 (header and <meta>), the body encoded in cp1252
    gzip_bomb      200 Content-Encoding: gzip, 64 MB of zeros in ~64 KB

robots.txt and the sitemap are never faulty. GET /soak/manifest.json gives, per article URL, the
sha256 of its clean body (the one a faultless response carries) and whether it is permanently
faulty; GET /soak/stats.json the responses served so far, by kind, and the sha256 of every faulty
200 body (truncated, wrong charset) with its kind. Neither is faulty or counted.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import socket
import struct
import threading
import time
from http.server import ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from winnow.demo.server import CONTENT_TYPES, SITE_ROOT, _Handler, _Site

TRANSIENT_KINDS = tuple(
    """
    http_500 http_503 http_429 reset cut_body trickle redirect_loop empty_body truncated_html
    wrong_charset gzip_bomb
""".split()
)
# What each kind is, from the fetcher's side: retried within a run (the fetcher's own retries),
# failed for this run (retried next run), or accepted as a page (a 200 with a body).
KIND_CLASS = {
    "http_500": "retried in-run",
    "http_503": "retried in-run",
    "http_429": "retried in-run",
    "reset": "retried in-run",
    "cut_body": "retried in-run",
    "trickle": "slow but valid",
    "redirect_loop": "failed this run",
    "empty_body": "failed this run",
    "gzip_bomb": "failed this run",
    "truncated_html": "accepted 200 (bad body)",
    "wrong_charset": "accepted 200 (bad body)",
}
PERMANENT_KINDS = ("http_404", "http_410")
LOOP_PARAM = "soak-loop=1"
BOMB_BYTES = 64 * 1024 * 1024


def _unit(*parts: object) -> float:
    """A number in [0, 1) from its parts, the same in every process (unlike hash())."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class FaultPlan:
    """Which response is faulty, and how: seeded, thread-safe, counted."""

    def __init__(self, seed: int, fault_rate: float, permanent_rate: float) -> None:
        self.seed, self.fault_rate, self.permanent_rate = seed, fault_rate, permanent_rate
        self._lock = threading.Lock()
        self._requests: dict[str, int] = {}
        self.served: dict[str, int] = {}
        self.bad_bodies: dict[str, str] = {}  # sha256 of each faulty 200 body served: its kind

    def permanent(self, path: str) -> str | None:
        if _unit(self.seed, "permanent", path) < self.permanent_rate:
            return PERMANENT_KINDS[_unit(self.seed, "which", path) < 0.5]
        return None

    def next_fault(self, path: str) -> str | None:
        """The fault of this request for `path` (None: a clean answer), counted."""
        with self._lock:
            n = self._requests.get(path, 0)
            self._requests[path] = n + 1
        kind = self.permanent(path)
        if kind is None and _unit(self.seed, "fault", path, n) < self.fault_rate:
            kind = TRANSIENT_KINDS[int(_unit(self.seed, "kind", path, n) * len(TRANSIENT_KINDS))]
        self.count(kind or "clean")
        return kind

    def count(self, kind: str) -> None:
        with self._lock:
            self.served[kind] = self.served.get(kind, 0) + 1

    def bad_body(self, kind: str, body: bytes) -> bytes:
        with self._lock:
            self.bad_bodies[hashlib.sha256(body).hexdigest()] = kind
        return body


class _FaultyHandler(_Handler):
    plan: FaultPlan
    bomb: bytes

    def _answer(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path == "/soak/manifest.json":
            return self._json(self._manifest())
        if path == "/soak/stats.json":
            with self.plan._lock:
                return self._json(
                    {
                        "served": dict(self.plan.served),
                        "bad_bodies": dict(self.plan.bad_bodies),
                        "requests_per_url_max": max(self.plan._requests.values(), default=0),
                    }
                )
        if not path.startswith("/bench/") or path == "/bench/sitemap.xml":
            return super()._answer(send_body)
        if parts.query == LOOP_PARAM:  # the second hop of a redirect loop: always back
            self.plan.count("redirect_loop_hop")
            return self._send(302, b"", {"Location": path}, send_body)
        found = self.site.get(self.path)
        if found is None:
            return super()._answer(send_body)
        kind = self.plan.next_fault(path)
        if kind is None:
            return super()._answer(send_body)
        body, content_type = found
        html = {"Content-Type": content_type}
        if kind in ("http_404", "http_410", "http_500", "http_503"):
            self._send(int(kind[-3:]), b"soak fault\n", {"Content-Type": CONTENT_TYPES[".txt"]}, send_body)
        elif kind == "http_429":
            self._send(429, b"slow down\n", {"Content-Type": CONTENT_TYPES[".txt"], "Retry-After": "1"}, send_body)
        elif kind == "reset":
            self._reset()
        elif kind == "cut_body":
            self._send(200, body, html, send_body=False)  # the headers promise the whole body
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._reset()
        elif kind == "trickle":
            self._send(200, body, html, send_body=False)
            step = len(body) // 10 + 1
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                self.wfile.flush()
                time.sleep(0.05)
        elif kind == "redirect_loop":
            self._send(302, b"", {"Location": f"{path}?{LOOP_PARAM}"}, send_body)
        elif kind == "empty_body":
            self._send(200, b"", html, send_body)
        elif kind == "truncated_html":
            self._send(200, self.plan.bad_body(kind, body[: len(body) * 2 // 5]), html, send_body)
        elif kind == "wrong_charset":
            text = body.decode("utf-8").encode("cp1252", errors="replace")
            self._send(200, self.plan.bad_body(kind, text), {"Content-Type": "text/html; charset=utf-8"}, send_body)
        elif kind == "gzip_bomb":
            self._send(200, self.bomb, {**html, "Content-Encoding": "gzip"}, send_body)
        else:  # pragma: no cover - every kind is handled above
            raise AssertionError(kind)

    def _reset(self) -> None:
        """Close with an RST (SO_LINGER 0), so the client sees a reset, not a clean end."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def _json(self, value: object) -> None:
        self._send(200, json.dumps(value).encode(), {"Content-Type": CONTENT_TYPES[".json"]}, True)

    def _manifest(self) -> dict:
        site, urls = self.site, {}
        for i in range(site.copies):
            article = site.articles[i % len(site.articles)]
            path = f"/bench/{i}/{article}"
            body, _ = site.get(path)
            urls[site.base_url + path] = {
                "sha256": hashlib.sha256(body).hexdigest(),
                "permanent": self.plan.permanent(path),
            }
        return {
            "seed": self.plan.seed,
            "fault_rate": self.plan.fault_rate,
            "permanent_rate": self.plan.permanent_rate,
            "kinds": list(TRANSIENT_KINDS),
            "kind_class": KIND_CLASS,
            "urls": urls,
        }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--copies", type=int, required=True, help="distinct article URLs in /bench/sitemap.xml")
    parser.add_argument("--fault-rate", type=float, default=0.2, help="share of responses that are faulty")
    parser.add_argument("--permanent-rate", type=float, default=0.02, help="share of URLs that always 404/410")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    handler = type("FaultySiteHandler", (_FaultyHandler,), {})
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    httpd.daemon_threads = True
    base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    handler.site = _Site(SITE_ROOT, base_url, args.copies)
    handler.plan = FaultPlan(args.seed, args.fault_rate, args.permanent_rate)
    handler.bomb = gzip.compress(bytes(BOMB_BYTES), compresslevel=9, mtime=0)
    print(
        f"Serving the faulty demo site at {base_url}/ ({args.copies} copies, fault rate {args.fault_rate},"
        f" permanent {args.permanent_rate}, seed {args.seed})",
        flush=True,
    )
    try:
        httpd.serve_forever(0.05)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()

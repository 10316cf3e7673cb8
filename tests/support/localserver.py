"""A real HTTP server on 127.0.0.1 whose routes a test programs: pages, feeds, errors, and the
faults a misbehaving server commits (connection resets, trickling bodies, lying Content-Length)."""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

# The test servers listen on loopback, which the address policy (sources.addresses) refuses
# unless a source allows it: in configs `allowed_networks: LOOPBACK_YAML`, in a FetchPolicy
# `allowed_networks=parse_networks(LOOPBACK)`.
LOOPBACK = ("127.0.0.0/8", "::1/128")
LOOPBACK_YAML = json.dumps(list(LOOPBACK))  # a YAML flow list


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # close the connection with an RST instead of answering
    trickle_s: float = 0.0  # send the body in pieces of `trickle_bytes`, this many seconds apart
    trickle_bytes: int = 1
    content_length: int | None = None  # a Content-Length other than the body's (a lying server)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # Clients that close kept-alive connections are normal here, not test failures.
        pass


class LocalServer:
    """Serves programmed routes; static routes answer conditional GETs with 304."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.requests.append(request)
                handler = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                reply = handler(request) if handler else Reply(404, b"not found")
                if reply.reset:
                    # SO_LINGER with a zero timeout makes close() send an RST, not a FIN.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                length = len(reply.body) if reply.content_length is None else reply.content_length
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if reply.trickle_s:
                    for offset in range(0, len(reply.body), reply.trickle_bytes):
                        self.wfile.write(reply.body[offset : offset + reply.trickle_bytes])
                        self.wfile.flush()
                        time.sleep(reply.trickle_s)
                else:
                    self.wfile.write(reply.body)
                if length != len(reply.body):
                    self.close_connection = True  # the client cannot tell where this reply ends

            def log_message(self, *args) -> None:  # keep test output clean
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        # A short poll interval keeps shutdown fast: tests start many servers.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A static route with an ETag; If-None-Match with that ETag gets a 304."""
        data = body.encode() if isinstance(body, str) else body
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        all_headers = {"Content-Type": content_type, "ETag": etag, **(headers or {})}

        def handler(request: Request) -> Reply:
            if status == 200 and request.headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(status, data, all_headers)

        self.routes[path] = handler

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]


def in_turn(*replies: Reply):
    """A handler answering with `replies` in turn, repeating the last one."""
    calls = []

    def handler(request):
        calls.append(request)
        return replies[min(len(calls), len(replies)) - 1]

    return handler

"""Web archives served as archive hosts serve them: byte ranges, and a CC-NEWS month index.
(The WARC files themselves are the demo corpus's: demo/archive.py.)"""

from __future__ import annotations

import gzip
import re

from tests.support.localserver import Reply, Request


def ranged(body: bytes, bytes_per_s: int = 0):
    """A route answering GET with `body`, and `Range: bytes=N-` with its tail (206); with
    `bytes_per_s`, as slowly as that."""
    pace = {"trickle_s": 0.05, "trickle_bytes": max(1, bytes_per_s // 20)} if bytes_per_s else {}

    def answer(request: Request) -> Reply:
        match = re.fullmatch(r"bytes=(\d+)-", request.headers.get("range", ""))
        if not match:
            return Reply(200, body, {"Content-Type": "application/warc"}, **pace)
        start = int(match.group(1))
        return Reply(
            206,
            body[start:],
            {"Content-Type": "application/warc", "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"},
            **pace,
        )

    return answer


def cc_news_index(paths: list[str]) -> bytes:
    """A month's warc.paths.gz: one archive path a line."""
    return gzip.compress("".join(f"{path}\n" for path in paths).encode(), mtime=0)

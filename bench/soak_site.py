"""The site bench/soak.py ingests: demo/faults.py in its own process, and the sources config that
reads it."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bench.child_processes import free_port

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "soak"
ALLOWED_NETWORKS = ["127.0.0.0/8"]


@contextmanager
def fault_server_process(args: argparse.Namespace) -> Iterator[str]:
    """demo/faults.py in its own process: its threads do not compete for this process's GIL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "winnow.demo.faults",
            "--port",
            str(free_port()),
            "--copies",
            str(args.pages),
            "--fault-rate",
            str(args.fault_rate),
            "--permanent-rate",
            str(args.permanent_rate),
            "--seed",
            str(args.seed),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = process.stdout.readline()  # "Serving the faulty demo site at http://127.0.0.1:N/ (...)"
        if " at " not in line:
            raise RuntimeError(f"demo.faults did not start (exit code {process.poll()})")
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def write_config(path: Path, base_url: str, pages: int, enrich: bool, networks: str | None) -> None:
    """The soak source; `networks`: where `allowed_networks` goes ("source", "defaults" or None)."""
    line = f"allowed_networks: {json.dumps(ALLOWED_NETWORKS)}\n"
    path.write_text(
        "# Written by bench/soak.py: the faulty demo site, rate limit lifted.\n"
        "# The copies repeat each other's text by design: the duplicate check is relaxed, still run.\n"
        "validation:\n  max_duplicate_share: 1.0\n"
        f"enrich:\n  enabled: {'true' if enrich else 'false'}\n"
        + (f"defaults:\n  {line}" if networks == "defaults" else "")
        + "sources:\n"
        f"  - name: {SOURCE}\n"
        "    feeds:\n"
        "      - kind: sitemap\n"
        f"        url: {base_url}/bench/sitemap.xml\n"
        '    allowed_domains: ["127.0.0.1"]\n'
        + (f"    {line}" if networks == "source" else "")
        + "    rate_limit: 100000.0\n"
        f"    max_pages: {pages}\n"
        "    language: en\n",
        encoding="utf-8",
    )


def config_with_networks(path: Path, base_url: str, pages: int, enrich: bool) -> dict:
    """Write the config with `allowed_networks` where it parses (the key is being added to
    sources/source_config.py); without it if it parses nowhere. Says what happened."""
    from winnow.sources.config import load_config

    errors = {}
    for place in ("source", "defaults", None):
        write_config(path, base_url, pages, enrich, place)
        try:
            load_config(path)
        except Exception as exc:  # ConfigError, or whatever the edited loader raises
            errors[str(place)] = str(exc).splitlines()[-1][:300]
            continue
        return {"allowed_networks": ALLOWED_NETWORKS, "parsed": place is not None, "placed_in": place, "errors": errors}
    raise RuntimeError(f"the soak config does not parse even without allowed_networks: {errors}")

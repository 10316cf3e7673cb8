"""Discovery over local HTTP: a source from config text, and discover_source run on it."""

from __future__ import annotations

import asyncio

from tests.support.localserver import LOOPBACK_YAML
from winnow.sources.config import parse_config
from winnow.sources.discover import discover_source
from winnow.sources.fetch import Fetcher, FetchPolicy


def make_source(yaml_feeds: str, base_dir, **settings):
    """A source from config text, as the pipeline would load it."""
    extra = "".join(f"\n    {key}: {value}" for key, value in settings.items())
    text = (
        f"sources:\n  - name: herald\n    rate_limit: 100\n    user_agent: herald-test/1\n"
        f"    allowed_networks: {LOOPBACK_YAML}\n"
        f"    feeds:{yaml_feeds}{extra}"
    )
    return parse_config(text, base_dir, "test.yaml").sources[0]


def discover(source, validators=None, cursors=None):
    async def run():
        # A run-wide policy unlike the source's: discovery must fetch with the source's own.
        async with Fetcher(FetchPolicy(user_agent="run-default/0", rate_limit=1)) as fetcher:
            return await discover_source(source, fetcher, validators or {}, cursors or {})

    return asyncio.run(run())

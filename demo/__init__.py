"""The embedded demo: a bundled corpus of fictional publishers and a local server for it."""

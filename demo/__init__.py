"""The embedded demo: a bundled corpus of fictional publishers and a local server for it.

See demo/README.md; `demo.server.serve_site()` serves demo/site/ on 127.0.0.1.
"""

"""Prefect settings for clean offline runs; applied before Prefect is imported.

Without them the temporary local API server logs "Failed to send telemetry" errors when
offline (analytics on, a DNS look-up that fails), and its default 20 s start-up limit times out
on a busy machine. A user's own settings always win.
"""

import os
from pathlib import Path

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect(home: Path | None = None) -> None:
    """Set offline-safe defaults; keep Prefect's state in `home` unless PREFECT_HOME is set."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    if home is not None and "PREFECT_HOME" not in os.environ and "PREFECT_API_URL" not in os.environ:
        os.environ["PREFECT_HOME"] = str(home.resolve())
        # Prefect makes its home folder, but not the folders above it (data/ in a fresh checkout).
        home.resolve().parent.mkdir(parents=True, exist_ok=True)

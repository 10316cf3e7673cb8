"""Prefect flows, their thin tasks, and the `winnow` CLI: wiring only."""

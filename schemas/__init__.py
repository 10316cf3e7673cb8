"""Data contracts: record types, the stages' settings, DuckDB DDL and migrations."""

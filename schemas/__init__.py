"""Data contracts: record types, DuckDB DDL and migrations."""

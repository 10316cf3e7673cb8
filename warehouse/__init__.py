"""The only owner of DuckDB connections: migrations, loads and queries."""

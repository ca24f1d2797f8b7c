"""bronze → silver throughput: DuckDB engine vs Spark engine vs a no-logic floor (see run.py)."""

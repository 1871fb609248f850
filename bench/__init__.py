"""Benchmarks of the performance targets; `make bench` runs them all (`python -m bench NAME` runs one)."""

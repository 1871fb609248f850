"""Benchmarks for DESIGN.md §8; `make bench` runs them all (`python -m bench NAME` runs one)."""

"""Writes of the pipeline, one module per feature; each write is atomic with its audit row."""

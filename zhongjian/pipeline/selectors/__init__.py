"""Reads of the pipeline, one module per feature, always narrowed to the acting user."""

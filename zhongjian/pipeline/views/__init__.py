"""Web pages of the pipeline, one module per feature."""

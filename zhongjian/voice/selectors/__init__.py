"""Reads of the voice app, scoped to the acting user: instruments, waves, reports, the board."""

"""Writes of the voice app, one module per domain: instruments, waves, answering, the board."""

"""Web pages of the voice app: waves, answering, reports, instruments and the board."""

"""Dedup (exact, MinHash, embedding), leakage checks and filters."""

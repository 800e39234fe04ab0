"""Curation: dedup and leakage checks."""

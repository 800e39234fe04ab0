"""Taxonomy tagging of items."""

"""Synthesis: items from extracted records, then translations."""

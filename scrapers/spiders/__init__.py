"""Spiders, one per source family (exam sites, case-report journals, open textbooks)."""

"""Spiders, one per source family (exam sites, case-report journals, open textbooks).

Which kind each spider crawls is declared in the source-kind registry (schemas.source_kinds)."""

"""Partitions of the sources domain: one dynamic partition set per spider family, keyed by source id."""

import dagster as dg

FAMILIES: dict[str, tuple[str, ...]] = {
    "exam_sites": ("exam_site",),
    "case_reports": ("case_reports_html", "case_reports_europepmc"),
    "open_textbooks": ("textbook_site",),
}
"""Spider family -> the source kinds it crawls."""

FAMILY_PARTITIONS = {family: dg.DynamicPartitionsDefinition(name=f"{family}_sources") for family in FAMILIES}
"""One partition per crawl source of the family (added by `crawl_sources_sensor`)."""

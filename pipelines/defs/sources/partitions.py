"""Partitions of the sources domain: one dynamic partition set per spider family, keyed by source id."""

import dagster as dg

from schemas.source_kinds import crawl_families

FAMILIES: dict[str, tuple[str, ...]] = crawl_families()
"""Spider family -> the source kinds it crawls, from the source-kind registry."""

FAMILY_PARTITIONS = {family: dg.DynamicPartitionsDefinition(name=f"{family}_sources") for family in FAMILIES}
"""One partition per crawl source of the family (added by `crawl_sources_sensor`)."""

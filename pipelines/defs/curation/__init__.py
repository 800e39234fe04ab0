"""Curation: dedup and leakage checks."""

import dagster as dg

from pipelines.defs.curation.assets import curated_items

defs = dg.Definitions(assets=[curated_items])

"""Taxonomy tagging of items."""

import dagster as dg

from pipelines.defs.taxonomy.assets import tagged_items

defs = dg.Definitions(assets=[tagged_items])

"""Synthesis: items from extracted records, then translations."""

import dagster as dg

from pipelines.defs.synthesis.assets import synthesized_items, translated_items

defs = dg.Definitions(assets=[synthesized_items, translated_items])

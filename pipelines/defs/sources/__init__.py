"""Source documents: every spec source crawled or read, stored content-addressed."""

import dagster as dg

from pipelines.defs.sources.assets import source_documents

defs = dg.Definitions(assets=[source_documents])

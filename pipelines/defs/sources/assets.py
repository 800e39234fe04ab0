"""The ingest asset: thin wrapper over `scrapers.ingest.ingest_sources`."""

from __future__ import annotations

import dagster as dg

from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings
from schemas import StageResult


@dg.asset(
    group_name="sources",
    kinds={"scrapy", "python"},
    description=(
        "Every source of the spec crawled (Scrapy, in a subprocess, over a loopback mirror for local sites) "
        "or read from local files; raw bytes stored content-addressed; failures kept as rejections."
    ),
)
def source_documents(build: BuildSettings) -> dg.Output[StageResult]:
    from scrapers.ingest import ingest_sources

    return stage_output(ingest_sources(build.load_spec(), build.raw_store(), build.work_dir()))

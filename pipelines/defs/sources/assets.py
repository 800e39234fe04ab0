"""Sources assets: the whole ingest (`source_documents`) and one partitioned crawl asset per spider
family, both thin wrappers over `scrapers.ingest`."""

from typing import Any

import dagster as dg

from pipelines.defs.sources.partitions import FAMILIES, FAMILY_PARTITIONS
from pipelines.metadata import stage_output
from pipelines.resources import BuildSettings, SpecResource
from schemas import BenchmarkSpec, StageResult


@dg.asset(
    group_name="sources",
    kinds={"scrapy", "python"},
    description=(
        "Every source of the spec crawled (Scrapy, in a subprocess, over a loopback mirror for local sites) "
        "or read from local files; raw bytes stored content-addressed; failures kept as rejections."
    ),
)
def source_documents(spec: SpecResource, build: BuildSettings) -> dg.Output[StageResult]:
    from scrapers.ingest import ingest_sources

    return stage_output(ingest_sources(spec.get(), build.raw_store(), build.work_dir()))


def family_source_ids(spec: BenchmarkSpec, family: str) -> list[str]:
    """Ids of the spec's sources that this family crawls (sources with local `paths` are not crawled)."""
    return sorted(s.id for s in spec.sources if s.kind in FAMILIES[family] and not s.paths)


def crawl_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Dagster metadata of one crawl: counts as ints, failures by reason as JSON."""
    return {
        "fetched": dg.MetadataValue.int(int(metadata.get("fetched", 0))),
        "failed": dg.MetadataValue.int(int(metadata.get("failed", 0))),
        "bytes": dg.MetadataValue.int(int(metadata.get("bytes", 0))),
        "stored_new": dg.MetadataValue.int(int(metadata.get("stored_new", 0))),
        "pages_crawled": dg.MetadataValue.int(int(metadata.get("pages_crawled", 0))),
        "failures_by_reason": dg.MetadataValue.json(metadata.get("failures_by_reason", {})),
    }


def _crawl_asset(family: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{family}_crawl",
        partitions_def=FAMILY_PARTITIONS[family],
        group_name="sources",
        kinds={"scrapy", "python"},
        description=f"One {family.replace('_', ' ')} source crawled (partition = source id) into the raw "
        "store, in its own subprocess; fetch counts, failures by reason and bytes as metadata.",
    )
    def crawl(
        context: dg.AssetExecutionContext, spec: SpecResource, build: BuildSettings
    ) -> dg.MaterializeResult:
        from scrapers.ingest import ingest_source

        benchmark = spec.get()
        source = next((s for s in benchmark.sources if s.id == context.partition_key), None)
        if source is None or source.kind not in FAMILIES[family]:
            raise dg.Failure(description=f"no {family} source '{context.partition_key}' in {spec.path}")
        documents, rejections, metadata = ingest_source(
            benchmark, source, build.raw_store(), build.work_dir()
        )
        context.log.info(f"{source.id}: {len(documents)} documents, {len(rejections)} failures")
        return dg.MaterializeResult(metadata=crawl_metadata(metadata))

    return crawl


CRAWL_ASSETS = [_crawl_asset(family) for family in FAMILIES]
"""`<family>_crawl` per spider family of the source-kind registry (a list: Dagster's loader finds lists)."""

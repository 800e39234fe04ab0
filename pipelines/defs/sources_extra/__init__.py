"""One crawl asset per spider family, partitioned by source (dynamic partitions added from the spec).

The chain's `source_documents` ingests every source at once; these assets crawl one source of one
family at a time (exam sites, case-report journals, open textbooks) and show its fetch counts,
failures by reason and bytes in the UI. A sensor adds a partition for each crawl source of the spec.
"""

from typing import Any

import dagster as dg

from pipelines.resources import BuildSettings
from schemas import BenchmarkSpec
from schemas.source_kinds import crawl_families

FAMILIES: dict[str, tuple[str, ...]] = crawl_families()
"""Spider family -> the source kinds it crawls, from the source-kind registry."""

PARTITIONS = {family: dg.DynamicPartitionsDefinition(name=f"{family}_sources") for family in FAMILIES}


def family_source_ids(spec: BenchmarkSpec, family: str) -> list[str]:
    """Ids of the spec's sources that this family crawls (sources with local `paths` are not crawled)."""
    return sorted(s.id for s in spec.sources if s.kind in FAMILIES[family] and not s.paths)


def crawl_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Dagster metadata of one crawl: counts as ints, failures by reason as JSON."""
    shown: dict[str, Any] = {
        "fetched": dg.MetadataValue.int(int(metadata.get("fetched", 0))),
        "failed": dg.MetadataValue.int(int(metadata.get("failed", 0))),
        "bytes": dg.MetadataValue.int(int(metadata.get("bytes", 0))),
        "stored_new": dg.MetadataValue.int(int(metadata.get("stored_new", 0))),
        "pages_crawled": dg.MetadataValue.int(int(metadata.get("pages_crawled", 0))),
        "failures_by_reason": dg.MetadataValue.json(metadata.get("failures_by_reason", {})),
    }
    return shown


def _crawl_asset(family: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{family}_crawl",
        partitions_def=PARTITIONS[family],
        group_name="sources",
        kinds={"scrapy", "python"},
        description=f"One {family.replace('_', ' ')} source crawled (partition = source id) into the raw "
        "store, in its own subprocess; fetch counts, failures by reason and bytes as metadata.",
    )
    def crawl(context: dg.AssetExecutionContext, build: BuildSettings) -> dg.MaterializeResult:
        from scrapers.ingest import ingest_source

        spec = build.load_spec()
        source = next((s for s in spec.sources if s.id == context.partition_key), None)
        if source is None or source.kind not in FAMILIES[family]:
            raise dg.Failure(description=f"no {family} source '{context.partition_key}' in {build.spec_path}")
        documents, rejections, metadata = ingest_source(spec, source, build.raw_store(), build.work_dir())
        context.log.info(f"{source.id}: {len(documents)} documents, {len(rejections)} failures")
        return dg.MaterializeResult(metadata=crawl_metadata(metadata))

    return crawl


CRAWL_ASSETS = [_crawl_asset(family) for family in FAMILIES]


@dg.sensor(
    asset_selection=CRAWL_ASSETS,
    minimum_interval_seconds=60,
    description="Adds a partition to each family's crawl asset for every crawl source of the spec.",
)
def crawl_sources_sensor(context: dg.SensorEvaluationContext, build: BuildSettings) -> dg.SensorResult:
    spec = build.load_spec()
    requests = []
    for family, partitions in PARTITIONS.items():
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        new = [i for i in family_source_ids(spec, family) if i not in known]
        if new:
            requests.append(partitions.build_add_request(new))
    return dg.SensorResult(dynamic_partitions_requests=requests)


defs = dg.Definitions(assets=CRAWL_ASSETS, sensors=[crawl_sources_sensor])

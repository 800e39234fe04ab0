"""Sources assets: the whole ingest (`source_documents`) and one partitioned crawl asset per spider
family, both thin wrappers over `scrapers.ingest`."""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import dagster as dg

from pipelines.defs.sources.partitions import FAMILIES, FAMILY_PARTITIONS
from pipelines.executors import CRAWL_STEP_TAG
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


CRAWL_COUNTS = ("fetched", "failed", "bytes", "stored_new", "pages_crawled")


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


STEP_IO_MANAGER = "step_io_manager"
"""The IO manager of the crawl graph's internal steps (small pickled dicts between processes)."""


def mapping_key(index: int, source_id: str) -> str:
    """A dynamic-output mapping key for a source id (letters, digits and underscores only)."""
    return f"s{index}_" + re.sub(r"\W", "_", source_id)


def crawl_totals(crawls: list[dict[str, Any]]) -> dict[str, Any]:
    """The counts of several crawls added up, failures by reason merged."""
    totals: dict[str, Any] = {k: sum(int(c.get(k, 0)) for c in crawls) for k in CRAWL_COUNTS}
    reasons: Counter[str] = Counter()
    for crawl in crawls:
        reasons.update(crawl.get("failures_by_reason", {}))
    totals["failures_by_reason"] = dict(sorted(reasons.items()))
    return totals


def _crawl_asset(family: str) -> dg.AssetsDefinition:
    @dg.op(name=f"{family}_sources_of_run", out=dg.DynamicOut(str, io_manager_key=STEP_IO_MANAGER))
    def sources_of_run(context: dg.OpExecutionContext) -> Iterator[dg.DynamicOutput[str]]:
        """One dynamic output per partition (source id) of the run: one key, or a range of them."""
        for index, source_id in enumerate(context.partition_keys):
            yield dg.DynamicOutput(source_id, mapping_key=mapping_key(index, source_id))

    @dg.op(
        name=f"{family}_crawl_source",
        tags=dict([CRAWL_STEP_TAG]),
        out=dg.Out(dict, io_manager_key=STEP_IO_MANAGER),
    )
    def crawl_source(
        context: dg.OpExecutionContext, source_id: str, spec: SpecResource, build: BuildSettings
    ) -> dict[str, Any]:
        """One source crawled into the raw store (Scrapy in its own subprocess)."""
        from scrapers.ingest import ingest_source

        benchmark = spec.get()
        source = next((s for s in benchmark.sources if s.id == source_id), None)
        if source is None or source.kind not in FAMILIES[family]:
            raise dg.Failure(description=f"no {family} source '{source_id}' in {spec.path}")
        documents, rejections, metadata = ingest_source(
            benchmark, source, build.raw_store(), build.work_dir()
        )
        context.log.info(f"{source.id}: {len(documents)} documents, {len(rejections)} failures")
        return {"source_id": source_id, **metadata}

    @dg.op(name=f"{family}_crawl_summary", out=dg.Out(dg.Nothing))
    def crawl_summary(crawls: list[dict[str, Any]]) -> dg.Output[None]:
        """The run's crawls: counts over all its sources, and each source's own counts under
        `sources` (the crawls are in the raw store: the asset stores no value of its own)."""
        per_source = {c["source_id"]: c for c in sorted(crawls, key=lambda c: c["source_id"])}
        metadata = crawl_metadata(crawl_totals(crawls))
        metadata["sources"] = dg.MetadataValue.json(per_source)
        return dg.Output(None, metadata=metadata)

    @dg.graph_asset(
        name=f"{family}_crawl",
        partitions_def=FAMILY_PARTITIONS[family],
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="sources",
        kinds={"scrapy", "python"},
        description=f"{family.replace('_', ' ').capitalize()} sources crawled (partition = source id) into "
        "the raw store, one step per source: a run over several partitions (a backfill) crawls them in "
        "parallel on the multiprocess or Kubernetes executor. Fetch counts, failures by reason and "
        "bytes as metadata, per source under `sources`.",
    )
    def crawl() -> Any:
        return crawl_summary(sources_of_run().map(crawl_source).collect())

    return crawl


CRAWL_ASSETS = [_crawl_asset(family) for family in FAMILIES]
"""`<family>_crawl` per spider family of the source-kind registry (a list: Dagster's loader finds lists)."""

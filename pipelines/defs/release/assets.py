"""Release assets: assign splits, then write the immutable versioned release."""

from __future__ import annotations

from typing import Any

import dagster as dg
import pyarrow as pa

from pipelines.metadata import stage_output
from pipelines.quality import dominant_reasons, nothing_survived
from pipelines.resources import BuildSettings, SpecResource
from releases import Release, ReleaseInputs, assign_splits, open_store, write_release
from schemas import MedforgeError, Stage, StageResult, Vocabulary
from taxonomy.coverage import empty_branches

STAGE_INPUTS = (
    "source_documents",
    "exam_questions",
    "case_reports",
    "figures",
    "synthesized_items",
    "translated_items",
    "tagged_items",
    "curated_items",
    "reviewed_items",
    "release_candidate",
)
"""Every stage whose books the manifest keeps, in chain order: `benchmark_release` takes these as its
inputs, so adding a stage here is all it takes to count it."""


@dg.asset(
    group_name="release",
    kinds={"python"},
    description="Reviewed items with their split assigned deterministically (by source key and seed).",
)
def release_candidate(spec: SpecResource, reviewed_items: StageResult) -> dg.Output[StageResult]:
    benchmark = spec.get()
    items = assign_splits(reviewed_items.records, benchmark.splits, benchmark.seed)
    return stage_output(
        StageResult(
            stage=Stage.RELEASE,
            records=sorted(items, key=lambda i: i.item_id),
            records_in=len(reviewed_items.records),
        )
    )


def _fingerprints(documents: StageResult) -> list[dict[str, Any]]:
    return [
        {"source_id": d.source_id, "uri": d.uri, "sha256": d.document_id, "bytes": d.byte_size}
        for d in documents.records
    ]


@dg.asset(
    group_name="release",
    kinds={"parquet"},
    ins={
        **{name: dg.AssetIn(name) for name in STAGE_INPUTS},
        "duplicate_clusters": dg.AssetIn("duplicate_clusters"),
    },
    description=(
        "The versioned release: a Parquet file per split, rejected.parquet, clusters, images, manifest.json "
        "and a dataset card, written atomically; a published version is never overwritten."
    ),
)
def benchmark_release(
    spec: SpecResource, build: BuildSettings, duplicate_clusters: pa.Table, **stage_results: StageResult
) -> dg.MaterializeResult:
    benchmark = spec.get()
    results = {name: stage_results[name] for name in STAGE_INPUTS}
    candidate = results["release_candidate"]
    if not candidate.records:
        raise MedforgeError(nothing_survived(results))
    dominant = dominant_reasons(results, benchmark.quality)
    limit = benchmark.quality.warn_reason_share if build.strict else benchmark.quality.max_reason_share
    failing = [d for d in dominant if d.share > limit]
    if failing:
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        raise MedforgeError(
            f"{failing[0].message()}{more}; not published: fix the source's spec (its declared "
            f"language, its mapping) or raise quality.max_reason_share "
            f"({limit:.0%}{', --strict' if build.strict else ''})"
        )
    store = open_store(build.store_root)
    version = store.next_version(benchmark.benchmark) if build.version == "auto" else build.version
    path = write_release(
        store,
        ReleaseInputs(
            benchmark=benchmark.benchmark,
            version=version,
            spec=benchmark.content(),
            spec_hash=benchmark.spec_hash(),
            spec_path=str(spec.path),
            spec_base_dir=benchmark.base_dir,
            items=candidate.records,
            rejections=[r for result in results.values() for r in result.rejections],
            stage_counts={name: result.counts() for name, result in results.items()},
            stage_metadata={name: result.metadata for name, result in results.items() if result.metadata},
            input_fingerprints=_fingerprints(results["source_documents"]),
            image_root=build.image_dir(),
            extra_tables={"clusters": duplicate_clusters},
            empty_branches={str(v): empty_branches(candidate.records, v) for v in Vocabulary},
        ),
    )
    manifest = Release.open(path).manifest
    location = store.release_location(benchmark.benchmark, version)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(location),
            **({"local_path": dg.MetadataValue.path(str(path))} if location != str(path) else {}),
            "version": version,
            "content_hash": manifest["content_hash"],
            "items": manifest["counts"]["items"],
            "rejected": manifest["counts"]["rejected"],
            "splits": dg.MetadataValue.json(manifest["counts"]["splits"]),
            "card": dg.MetadataValue.path(str(path / "README.md")),
            "warnings": dg.MetadataValue.json([d.message() for d in dominant]),
        }
    )

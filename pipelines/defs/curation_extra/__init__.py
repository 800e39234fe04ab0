"""Curation extras in Dagster: a leakage-flags table, dedup counts per method, and the blocking check
that no release ships with a duplicate across its splits."""

from __future__ import annotations

from collections import Counter

import dagster as dg
import pyarrow as pa

from curation.config import DedupConfig
from curation.leakage import cross_split_duplicates
from pipelines.resources import BuildSettings
from schemas import StageResult

LEAKAGE_FLAG_KINDS = ("leakage", "answer_in_stem", "post_cutoff", "not_deduplicated")
FLAGS_SCHEMA = pa.schema(
    [
        pa.field("item_id", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("method", pa.string(), nullable=False),
        pa.field("score", pa.float64()),
        pa.field("evidence", pa.string()),
    ]
)


@dg.asset(
    group_name="curation",
    kinds={"parquet"},
    description="One row per curation flag on a kept item: leakage (reference, method, score), "
    "answer in stem, post-cutoff, not deduplicated (why).",
)
def curation_flags(curated_items: StageResult) -> dg.Output[pa.Table]:
    rows = [
        {
            "item_id": item.item_id,
            "kind": f.kind,
            "method": f.method,
            "score": f.score,
            "evidence": f.evidence,
        }
        for item in curated_items.records
        for f in item.flags
        if f.kind in LEAKAGE_FLAG_KINDS
    ]
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: (r["item_id"], r["kind"])), schema=FLAGS_SCHEMA)
    by_kind = Counter(f"{r['kind']}:{r['method']}" for r in rows)
    return dg.Output(table, metadata={"flags": len(rows), **{k: v for k, v in sorted(by_kind.items())}})


@dg.asset_check(
    asset=dg.AssetKey("curated_items"),
    description="Dedup and leakage counts per method (informational).",
)
def curated_items_dedup_counts(curated_items: StageResult) -> dg.AssetCheckResult:
    meta = curated_items.metadata
    reasons = Counter(r.reason_code for r in curated_items.rejections)
    return dg.AssetCheckResult(
        passed=True,
        metadata={
            "removed_by_reason": dg.MetadataValue.json(dict(sorted(reasons.items()))),
            "dedup_counts": dg.MetadataValue.json(meta.get("dedup_counts", {})),
            "not_compared": dg.MetadataValue.json(meta.get("not_compared", {})),
            "leakage_counts": dg.MetadataValue.json(meta.get("leakage_counts", {})),
            "settings": str(meta.get("dedup_settings", "")),
        },
    )


@dg.asset_check(
    asset=dg.AssetKey("release_candidate"),
    blocking=True,
    description=(
        "No item may have a duplicate in another split, by the dedup methods the spec lists "
        "(pairs found by other methods are reported, not blocking)."
    ),
)
def release_has_no_cross_split_duplicates(
    build: BuildSettings, release_candidate: StageResult
) -> dg.AssetCheckResult:
    spec = build.load_spec()
    config = DedupConfig.from_options(spec.curation.options, spec.leakage.options)
    found = cross_split_duplicates(release_candidate.records, config, min_chars=spec.curation.min_chars)
    # block on the methods the spec trusts for dedup; pairs by other methods (say MinHash on a
    # templated exam bank, where questions differ only in the condition they name) are reported only
    pairs = [p for p in found if p.method.split("-", 1)[0] in spec.curation.methods]
    untrusted = Counter(p.method for p in found if p not in pairs)
    by_method = Counter(p.method for p in pairs)
    preview = [
        {
            "item": p.item_id,
            "split": p.split,
            "other": p.other_id,
            "other_split": p.other_split,
            "score": p.score,
        }
        for p in pairs[:20]
    ]
    return dg.AssetCheckResult(
        passed=not pairs,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "cross_split_pairs": len(pairs),
            "by_method": dg.MetadataValue.json(dict(sorted(by_method.items()))),
            "reported_not_blocking": dg.MetadataValue.json(dict(sorted(untrusted.items()))),
            "pairs": dg.MetadataValue.json(preview),
            "items": len(release_candidate.records),
        },
    )


defs = dg.Definitions(
    assets=[curation_flags],
    asset_checks=[curated_items_dedup_counts, release_has_no_cross_split_duplicates],
)

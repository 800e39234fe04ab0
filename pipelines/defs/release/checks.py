"""Release checks, both blocking: the data contract of released items, and no duplicate across splits."""

from __future__ import annotations

from collections import Counter

import dagster as dg

from curation.config import DedupConfig
from curation.leakage import cross_split_duplicates
from data_contracts import validate_items
from pipelines.defs.release.assets import release_candidate
from pipelines.resources import SpecResource
from schemas import StageResult


@dg.asset_check(
    asset=release_candidate,
    blocking=True,
    description="Great Expectations contract for released items (ids, answers among options, languages).",
)
def release_candidate_meets_contract(release_candidate: StageResult) -> dg.AssetCheckResult:
    splits = sorted({i.split for i in release_candidate.records})
    report = validate_items(release_candidate.records, splits)
    return dg.AssetCheckResult(
        passed=report.success,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "items": len(release_candidate.records),
            "expectations": report.evaluated,
            "failures": dg.MetadataValue.json(report.failures),
        },
    )


@dg.asset_check(
    asset=release_candidate,
    blocking=True,
    description=(
        "No item may have a duplicate in another split, by the dedup methods the spec lists "
        "(pairs found by other methods are reported, not blocking)."
    ),
)
def release_has_no_cross_split_duplicates(
    spec: SpecResource, release_candidate: StageResult
) -> dg.AssetCheckResult:
    benchmark = spec.get()
    config = DedupConfig.from_options(benchmark.curation.options, benchmark.leakage.options)
    found = cross_split_duplicates(release_candidate.records, config, min_chars=benchmark.curation.min_chars)
    # block on the methods the spec trusts for dedup; pairs by other methods (say MinHash on a
    # templated exam bank, where questions differ only in the condition they name) are reported only
    pairs = [p for p in found if p.method.split("-", 1)[0] in benchmark.curation.methods]
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

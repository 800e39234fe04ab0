"""Synthesis checks: generated items pass the item checks, translations stay linked to originals."""

from __future__ import annotations

from collections import Counter

import dagster as dg

from schemas import ItemOrigin, RecordError, StageResult
from synthesis.checks import check_item


def item_check_failures(result: StageResult) -> Counter[str]:
    """Reason codes of items in a result that fail the synthesis item checks (should be none)."""
    failures: Counter[str] = Counter()
    for item in result.records:
        try:
            check_item(item, generated=item.origin == ItemOrigin.SYNTHESIZED)
        except RecordError as error:
            failures[str(error.reason_code)] += 1
    return failures


@dg.asset_check(
    asset=dg.AssetKey("synthesized_items"),
    description="Every synthesized item passes the item checks (answer among options, distinct options, "
    "answer not in stem, fields, language); shows LLM calls, cache hits and tokens.",
)
def synthesized_items_pass_item_checks(synthesized_items: StageResult) -> dg.AssetCheckResult:
    failures = item_check_failures(synthesized_items)
    meta = synthesized_items.metadata
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={
            "failures_by_reason": dg.MetadataValue.json(dict(sorted(failures.items()))),
            "items_by_generator": dg.MetadataValue.json(meta.get("items_by_generator", {})),
            "llm_calls": int(meta.get("llm_calls", 0)),
            "cache_hits": int(meta.get("cache_hits", 0)),
            "prompt_tokens": int(meta.get("prompt_tokens", 0)),
            "completion_tokens": int(meta.get("completion_tokens", 0)),
        },
    )


@dg.asset_check(
    asset=dg.AssetKey("translated_items"),
    description="Every translation shares a parallel_group with an original; weak translations counted.",
)
def translations_are_linked(translated_items: StageResult) -> dg.AssetCheckResult:
    originals = {i.parallel_group for i in translated_items.records if i.origin != ItemOrigin.TRANSLATED}
    translations = [i for i in translated_items.records if i.origin == ItemOrigin.TRANSLATED]
    orphans = [i.item_id for i in translations if i.parallel_group not in originals]
    weak = sum(1 for i in translations if any(f.kind == "weak_translation" for f in i.flags))
    return dg.AssetCheckResult(
        passed=not orphans,
        metadata={"translations": len(translations), "orphans": len(orphans), "weak_translations": weak},
    )

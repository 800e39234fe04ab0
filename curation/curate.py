"""The curation stage entry point: dedup and leakage checks, with a clusters table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from curation.clusters import CLUSTERS_SCHEMA, DuplicateCluster, clusters_table
from curation.config import DedupConfig
from curation.dedup import find_duplicates
from curation.leakage import (
    LEAKED_SPLIT,
    POST_CUTOFF_SPLIT,
    LeakHit,
    answer_in_stem,
    post_cutoff,
    reference_leaks,
    release_date,
)
from curation.references import load_references
from curation.texts import ItemText
from embeddings import TextEmbedder
from engines import BatchEngine, LocalEngine
from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    Flag,
    ItemOrigin,
    ReasonCode,
    Rejection,
    ReviewStatus,
    SpecError,
    Stage,
    StageResult,
)

__all__ = [
    "CLUSTERS_SCHEMA",
    "CurationResult",
    "DuplicateCluster",
    "curate_items",
    "representative_rank",
    "spec_embedder",
]

_REASONS = {
    "exact": ReasonCode.EXACT_DUPLICATE,
    "minhash": ReasonCode.NEAR_DUPLICATE,
    "semantic": ReasonCode.SEMANTIC_DUPLICATE,
}
_ORIGIN_ORDER = {
    ItemOrigin.SCRAPED: 0,
    ItemOrigin.IMPORTED: 0,
    ItemOrigin.TRANSLATED: 1,
    ItemOrigin.SYNTHESIZED: 2,
}


@dataclass(frozen=True)
class CurationResult:
    """Curated items and the clusters that explain every removal."""

    result: StageResult[BenchmarkItem]
    clusters: list[DuplicateCluster] = field(default_factory=list)
    leaks: list[LeakHit] = field(default_factory=list)

    def clusters_table(self) -> pa.Table:
        """The clusters as the release's `clusters.parquet`."""
        return clusters_table(self.clusters)


def representative_rank(items: Sequence[BenchmarkItem]) -> list[int]:
    """Rank per item (0 = best representative): reviewed > scraped/imported > translated > synthesized,
    then the newest source, then the smallest item id (so the choice is deterministic)."""

    def key(index: int) -> tuple[int, int, int, str]:
        item = items[index]
        reviewed = 0 if item.review_status in (ReviewStatus.ACCEPTED, ReviewStatus.FIXED) else 1
        released = release_date(item)
        return (
            reviewed,
            _ORIGIN_ORDER.get(item.origin, 3),
            -(released.toordinal() if released else 0),
            item.item_id,
        )

    order = sorted(range(len(items)), key=key)
    rank = [0] * len(items)
    for position, index in enumerate(order):
        rank[index] = position
    return rank


def embedder_from_options(
    options: Mapping[str, Any], cache_dir: Path | None = None, engine: BatchEngine | None = None
) -> TextEmbedder:
    """The embedder curation options name (`semantic_model`, `backend`, `quantize`; vectors cached in
    `cache_dir`, else `cache_root()`), loaded only at the first encode, its cache misses encoded in
    batches on `engine` (default: in process). The build's shared embedder and the `dedup` /
    `leakage` commands are both made here."""
    from embeddings import LazyEmbedder

    config = DedupConfig.from_options(dict(options))
    return LazyEmbedder(
        config.semantic_model,
        backend=str(options.get("backend", "auto")),
        cache_dir=cache_dir,
        quantize=bool(options.get("quantize", False)),
        engine=engine,
    )


def spec_embedder(
    spec: BenchmarkSpec, cache_dir: Path | None = None, engine: BatchEngine | None = None
) -> TextEmbedder:
    """The embedder of `spec.curation.options`, cached in its `embedding_cache` folder if it names
    one, else in `cache_dir`, encoding on `engine`."""
    cache = spec.curation.options.get("embedding_cache")
    return embedder_from_options(spec.curation.options, spec.resolve(cache) if cache else cache_dir, engine)


def _dedup(
    spec: BenchmarkSpec,
    items: list[BenchmarkItem],
    config: DedupConfig,
    embedder: TextEmbedder | None,
    engine: BatchEngine | None,
) -> tuple[list[BenchmarkItem], list[Rejection], list[DuplicateCluster], dict[str, object]]:
    first: dict[str, int] = {}
    unique: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    clusters: list[DuplicateCluster] = []
    copies: Counter[str] = Counter()
    for item in items:
        if item.item_id in first:
            copies[item.item_id] += 1
            rejections.append(
                Rejection.of(
                    Stage.CURATE,
                    item.item_id,
                    "BenchmarkItem",
                    ReasonCode.EXACT_DUPLICATE,
                    f"identical copy of {item.item_id} (same content id)",
                    uri=item.source.uri,
                    payload=item,
                    cluster_id=f"exact-{item.item_id}",
                )
            )
        else:
            first[item.item_id] = len(unique)
            unique.append(item)
    methods = list(spec.curation.methods)
    if "semantic" in methods and embedder is None:
        embedder = spec_embedder(spec, engine=engine)
    outcome = find_duplicates(
        [ItemText.of_item(i) for i in unique],
        methods,
        config,
        spec.curation.min_chars,
        representative_rank(unique),
        embedder,
        engine,
    )
    removed = outcome.removed()
    for item_id, count in sorted(copies.items()):
        if not any(c.kept == item_id and c.method == "exact" for c in outcome.clusters):
            clusters.append(
                DuplicateCluster(f"exact-{item_id}", "exact", [item_id] * (count + 1), item_id, 1.0)
            )
    clusters.extend(outcome.clusters)
    kept: list[BenchmarkItem] = []
    for item in unique:
        cluster = removed.get(item.item_id)
        if cluster is not None:
            score = cluster.member_similarity.get(item.item_id, cluster.similarity)
            message = (
                f"{cluster.method} duplicate of {cluster.kept} (similarity {score:.3f}; {cluster.settings})"
            )
            rejections.append(
                Rejection.of(
                    Stage.CURATE,
                    item.item_id,
                    "BenchmarkItem",
                    _REASONS[cluster.method],
                    message,
                    uri=item.source.uri,
                    payload=item,
                    cluster_id=cluster.cluster_id,
                )
            )
            continue
        reason = outcome.skipped.get(item.item_id)
        if reason is not None:
            flag = Flag(kind="not_deduplicated", method="min_chars", evidence=reason)
            item = item.model_copy(update={"flags": [*item.flags, flag]})
        kept.append(item)
    metadata: dict[str, object] = {
        "dedup_settings": str(config),
        "dedup_counts": outcome.counts,
        "not_compared": dict(sorted(Counter(outcome.skipped.values()).items())),
        "kept_apart_by_guard": dict(sorted(outcome.guarded.items())),
        "identical_copies": sum(copies.values()),
    }
    return kept, rejections, clusters, metadata


def _cutoff(spec: BenchmarkSpec) -> dt.date | None:
    if not spec.leakage.cutoff:
        return None
    try:
        return dt.date.fromisoformat(spec.leakage.cutoff)
    except ValueError:
        raise SpecError("leakage.cutoff", f"'{spec.leakage.cutoff}' is not an ISO date") from None


def _leakage(
    spec: BenchmarkSpec,
    items: list[BenchmarkItem],
    config: DedupConfig,
    embedder: TextEmbedder | None,
    engine: BatchEngine | None = None,
) -> tuple[list[BenchmarkItem], list[Rejection], list[LeakHit], dict[str, object]]:
    policy = spec.leakage.policy
    hits: list[LeakHit] = []
    checked_against: dict[str, dict[str, int]] = {}
    benchmark_of: dict[str, str] = {}
    methods: list[str] = []
    if spec.leakage.references:
        references = load_references(spec.resolve(p) for p in spec.leakage.references)
        use_embeddings = bool(spec.leakage.options.get("semantic_leakage", True))
        if use_embeddings and embedder is None:
            embedder = spec_embedder(spec, engine=engine)
        hits = reference_leaks(
            [ItemText.of_item(i) for i in items],
            references,
            spec.leakage.ngram,
            config,
            embedder if use_embeddings else None,
        )
        for reference in references:
            benchmark_of[reference.ref_id] = reference.benchmark
            entry = checked_against.setdefault(reference.benchmark, {"items": 0, "leaked_items": 0})
            entry["items"] += 1
        methods = [f"ngram{spec.leakage.ngram}-overlap{config.leak_ngram_overlap:.2f}"] + (
            [config.describe_semantic_leak()] if use_embeddings else []
        )
    by_item: dict[str, list[LeakHit]] = {}
    for hit in hits:
        by_item.setdefault(hit.item_id, []).append(hit)
    cutoff = _cutoff(spec)
    out: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    counts: Counter[str] = Counter()
    for item in items:
        flags = list(item.flags)
        leaked = by_item.get(item.item_id, [])
        flags.extend(h.flag() for h in leaked)
        for hit in leaked:
            counts[f"leakage:{hit.method}"] += 1
        answer_flag = answer_in_stem(item)
        if answer_flag:
            flags.append(answer_flag)
            counts["answer_in_stem"] += 1
        late = post_cutoff(item, cutoff) if cutoff else None
        if late:
            flags.append(late)
            counts["post_cutoff"] += 1
        update: dict[str, object] = {"flags": flags}
        if leaked and policy == "drop":
            best = max(leaked, key=lambda h: h.score)
            message = f"leaked: {best.method} match {best.ref_id} (score {best.score:.3f})"
            leaked_item = item.model_copy(update=update)
            rejections.append(
                Rejection.of(
                    Stage.CURATE,
                    item.item_id,
                    "BenchmarkItem",
                    ReasonCode.LEAKED,
                    message,
                    uri=item.source.uri,
                    payload=leaked_item,
                )
            )
            continue
        if (leaked or late) and policy == "review":
            update["review_status"] = ReviewStatus.PENDING
        if policy == "split":
            if leaked:
                update["split"] = LEAKED_SPLIT
            elif late:
                update["split"] = POST_CUTOFF_SPLIT
        out.append(item.model_copy(update=update))
    metadata = {
        "leakage_policy": policy,
        "leakage_counts": dict(sorted(counts.items())),
        "leaked_items": len(by_item),
        "leakage_methods": methods,
    }
    if checked_against:
        for benchmark in {(hit.item_id, benchmark_of[hit.ref_id]) for hit in hits}:
            checked_against[benchmark[1]]["leaked_items"] += 1
        metadata["leakage_references"] = dict(sorted(checked_against.items()))
    return out, rejections, hits, metadata


def curate_items(
    spec: BenchmarkSpec,
    items: Sequence[BenchmarkItem],
    embedder: TextEmbedder | None = None,
    engine: BatchEngine | None = None,
) -> CurationResult:
    """Dedup (the spec's methods, in the order exact -> minhash -> semantic), then leakage checks.

    Each cluster keeps its best representative (see `representative_rank`); every removed item is a
    Rejection naming its cluster, the kept item and the similarity. Placeholder and too-short stems
    are never merged; they go on with a `not_deduplicated` flag saying why. Leakage findings are
    flags; `spec.leakage.policy` drops them, moves them to a `leaked`/`post_cutoff` split, or sends
    them to review. `embedder` defaults to the fast cached MiniLM encoder (loaded only when needed).
    MinHash batches run on `engine` (default: in process, `spec.execution.batch_size` per batch).
    """
    engine = engine or LocalEngine(spec.execution.batch_size)
    config = DedupConfig.from_options(spec.curation.options, spec.leakage.options)
    items = list(items)
    kept, rejections, clusters, dedup_meta = _dedup(spec, items, config, embedder, engine)
    checked, leak_rejections, hits, leak_meta = _leakage(spec, kept, config, embedder, engine)
    return CurationResult(
        result=StageResult(
            stage=Stage.CURATE,
            records=sorted(checked, key=lambda i: i.item_id),
            rejections=[*rejections, *leak_rejections],
            records_in=len(items),
            metadata={"clusters": len(clusters), **dedup_meta, **leak_meta},
        ),
        clusters=sorted(clusters, key=lambda c: c.cluster_id),
        leaks=hits,
    )

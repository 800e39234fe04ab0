"""Dedup over comparable texts: exact, then MinHash, then semantic, each on what the last one kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from curation.clusters import DuplicateCluster, star_clusters
from curation.config import DedupConfig
from curation.exact import exact_edges
from curation.minhash import minhash_edges
from curation.semantic import embedding_edges
from curation.texts import ItemText, pair_rejection
from embeddings import TextEmbedder
from engines import BatchEngine

METHOD_ORDER = ("exact", "minhash", "semantic")


@dataclass
class DedupOutcome:
    """Clusters found, items never compared (with why), pairs a guard kept apart, per-method counts."""

    clusters: list[DuplicateCluster] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    guarded: dict[str, int] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def removed(self) -> dict[str, DuplicateCluster]:
        """Removed item id -> the cluster that explains its removal."""
        return {member: c for c in self.clusters for member in c.removed}


def _guarded(texts: Sequence[ItemText], edges, outcome: DedupOutcome):  # type: ignore[no-untyped-def]
    kept = []
    for i, j, score in edges:
        reason = pair_rejection(texts[i], texts[j])
        if reason is None:
            kept.append((i, j, score))
        else:
            outcome.guarded[reason] = outcome.guarded.get(reason, 0) + 1
    return kept


def find_duplicates(
    texts: Sequence[ItemText],
    methods: Sequence[str],
    config: DedupConfig | None = None,
    min_chars: int = 12,
    rank: Sequence[int] | None = None,
    embedder: TextEmbedder | None = None,
    engine: BatchEngine | None = None,
    candidate_embedder: TextEmbedder | None = None,
) -> DedupOutcome:
    """Run the chosen methods in the order exact -> minhash -> semantic.

    Placeholder and too-short texts are never compared (listed in `skipped` with the reason). `rank`
    orders representatives (lower is better; default: input order). Semantic dedup needs `embedder`;
    with `config.semantic_candidates == "static"` it encodes only the texts a static model pairs up
    (`candidate_embedder`, by default the one distilled from the semantic model). MinHash signatures
    and the verification of its candidate pairs run as batches on `engine` (default: in process);
    embeddings are the embedder's business (give it the same engine).
    """
    config = config or DedupConfig()
    unknown = sorted(set(methods) - set(METHOD_ORDER))
    if unknown:
        raise ValueError(f"unknown dedup method(s): {', '.join(unknown)}")
    rank = list(rank) if rank is not None else list(range(len(texts)))
    outcome = DedupOutcome()
    alive = []
    for index, text in enumerate(texts):
        reason = text.skip_reason(min_chars)
        if reason:
            outcome.skipped[text.item_id] = reason
        else:
            alive.append(index)
    for method in (m for m in METHOD_ORDER if m in methods):
        subset = [texts[i] for i in alive]
        sub_rank = [rank[i] for i in alive]
        stage_counts: dict[str, int] = {}
        if method == "exact":
            edges = exact_edges(subset, sub_rank)
        elif method == "minhash":
            edges = _guarded(subset, minhash_edges([t.normalized for t in subset], config, engine), outcome)
        else:
            if embedder is None:
                raise ValueError("semantic dedup needs an embedder")
            raw, stage_counts = embedding_edges(
                [t.embedding_text for t in subset], embedder, config, candidate_embedder
            )
            edges = _guarded(subset, raw, outcome)
        found = star_clusters(
            [t.item_id for t in subset], sub_rank, edges, method, settings=config.describe(method)
        )
        removed = {m for c in found for m in c.removed}
        outcome.clusters.extend(found)
        outcome.counts[method] = {
            "compared": len(subset),
            "clusters": len(found),
            "removed": len(removed),
            **stage_counts,
        }
        alive = [i for i in alive if texts[i].item_id not in removed]
    return outcome

"""Semantic near-neighbours with FAISS (exact inner product for small sets, IVF past a size), in one
stage (MiniLM on every text) or two (static vectors propose pairs, MiniLM encodes those texts), the
close pairs decided by cosine or by the paraphrase verifier."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from curation.config import DedupConfig
from curation.paraphrase import verify_pairs
from embeddings import TextEmbedder


def _index(vectors: np.ndarray, exact_max: int):  # type: ignore[no-untyped-def]
    import faiss

    n, dim = vectors.shape
    if n <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        lists = int(4 * math.sqrt(n))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
        sample = vectors[np.random.default_rng(0).choice(n, size=min(n, lists * 40), replace=False)]
        index.train(sample)
        index.nprobe = 16
    index.add(vectors)
    return index


def neighbours(
    queries: np.ndarray, corpus: np.ndarray, k: int, exact_max: int = 50_000
) -> tuple[np.ndarray, np.ndarray]:
    """(similarities, indices) of the k nearest corpus rows per query; -1 where there is none."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    corpus = np.ascontiguousarray(corpus, dtype=np.float32)
    if not len(corpus) or not len(queries):
        return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
    index = _index(corpus, exact_max)
    return index.search(queries, min(k, len(corpus)))


def semantic_edges(
    vectors: np.ndarray, threshold: float, k: int = 10, exact_max: int = 50_000
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) with i < j whose cosine is at least `threshold` among the k nearest."""
    sims, idx = neighbours(vectors, vectors, k + 1, exact_max)
    rows, cols = np.nonzero((sims >= threshold) & (idx >= 0))
    edges: dict[tuple[int, int], float] = {}
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        other = int(idx[row, col])
        if other == row:
            continue
        key = (min(row, other), max(row, other))
        edges[key] = max(edges.get(key, -1.0), float(sims[row, col]))
    return [(i, j, s) for (i, j), s in sorted(edges.items())]


CENTRE_SHRINK = 256
"""Static vectors are centred on the set's mean scaled by n / (n + this): a large set is centred on
its mean (mean-pooled static vectors share one common direction that hides near-duplicates among
topically similar texts), a handful of texts barely moves."""

SURE_CANDIDATE_COSINE = 0.9
"""A pair at or above this centred static cosine is a candidate whatever its margin (a dense group of
more than k near-copies has a background as high as its pairs)."""


def candidate_pairs(
    vectors: np.ndarray, threshold: float, margin: float, k: int, exact_max: int = 50_000
) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, that static vectors propose: j among i's k nearest (or i among j's) in
    centred vectors at cosine >= `threshold`, standing `margin` above the two texts' background.

    A text's background is its mean cosine to its k nearest others (absent ones count 0): the margin
    is the CSLS hubness correction, it drops pairs that are merely in a crowded topic.
    """
    n = len(vectors)
    if n < 2:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    centred = vectors - vectors.mean(axis=0) * (n / (n + CENTRE_SHRINK))
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    sims, idx = neighbours(centred, centred, k + 1, exact_max)
    other = (idx >= 0) & (idx != np.arange(n)[:, None])
    counted = other & (np.cumsum(other, axis=1) <= k)
    background = np.where(counted, sims, 0.0).sum(axis=1) / k
    pair_background = (background[:, None] + background[np.maximum(idx, 0)]) / 2
    keep = other & (sims >= threshold)
    keep &= (sims - pair_background >= margin) | (sims >= SURE_CANDIDATE_COSINE)
    rows, cols = np.nonzero(keep)
    others = idx[rows, cols].tolist()
    return sorted({(min(r, o), max(r, o)) for r, o in zip(rows.tolist(), others, strict=True)})


def decide_pairs(
    texts: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    cosines: Sequence[float],
    encode: Callable[[Sequence[str]], np.ndarray],
    config: DedupConfig,
) -> list[tuple[int, int, float]]:
    """The pairs (i, j, cosine) the config's rule calls duplicates: cosine at or above
    `semantic_threshold`, or (the "paraphrase" rule) the verifier's probability at or above
    `paraphrase_threshold` for pairs at or above `paraphrase_min_cosine`."""
    if config.semantic_rule == "cosine":
        return [
            (i, j, float(c))
            for (i, j), c in zip(pairs, cosines, strict=True)
            if c >= config.semantic_threshold
        ]
    model = config.paraphrase_model()
    probabilities = verify_pairs(texts, pairs, cosines, encode, model)
    return [
        (i, j, float(c))
        for (i, j), c, p in zip(pairs, cosines, probabilities.tolist(), strict=True)
        if c >= model.min_cosine and p >= model.threshold
    ]


def two_stage_edges(
    texts: Sequence[str],
    candidate_vectors: np.ndarray,
    encode: Callable[[Sequence[str]], np.ndarray],
    config: DedupConfig,
) -> tuple[list[tuple[int, int, float]], dict[str, int]]:
    """Semantic edges found in two stages, and what each stage saw.

    Coarse (static) vectors propose pairs (`candidate_pairs`, never asking more than the rule's
    cosine floor). Only texts in a proposed pair are encoded with `encode` (MiniLM), and the pairs
    are decided by the same rule as one-stage dedup (`decide_pairs`).
    """
    pairs = candidate_pairs(
        candidate_vectors,
        min(config.candidate_threshold, config.semantic_floor()),
        config.candidate_margin,
        config.candidate_knn,
        config.exact_index_max,
    )
    involved = sorted({i for pair in pairs for i in pair})
    stats = {"candidate_pairs": len(pairs), "encoded": len(involved)}
    if not pairs:
        return [], stats
    row = {index: position for position, index in enumerate(involved)}
    vectors = np.asarray(encode([texts[i] for i in involved]), dtype=np.float32)
    left = vectors[[row[i] for i, _ in pairs]]
    right = vectors[[row[j] for _, j in pairs]]
    cosines = (left * right).sum(axis=1).tolist()
    return decide_pairs(texts, pairs, cosines, encode, config), stats


def embedding_edges(
    texts: Sequence[str],
    embedder: TextEmbedder,
    config: DedupConfig,
    candidate_embedder: TextEmbedder | None = None,
) -> tuple[list[tuple[int, int, float]], dict[str, int]]:
    """Semantic edges of `texts` by the config's rule, and counts (texts encoded with `embedder`).

    `config.semantic_candidates == "static"`: a static model (`candidate_embedder`, by default the
    one distilled from `config.semantic_model`) proposes pairs and `embedder` encodes only their
    texts; "none": `embedder` encodes every text and its k nearest neighbours are compared. Either
    way the config's rule decides the close pairs (`decide_pairs`).
    """
    if not texts:
        return [], {"encoded": 0}
    if config.semantic_candidates == "none":
        vectors = embedder.encode(list(texts))
        close = semantic_edges(vectors, config.semantic_floor(), config.knn, config.exact_index_max)
        edges = decide_pairs(
            texts, [(i, j) for i, j, _ in close], [c for _, _, c in close], embedder.encode, config
        )
        return edges, {"encoded": len(texts)}
    if candidate_embedder is None:
        from embeddings.static import static_encoder

        candidate_embedder = static_encoder(config.semantic_model)
    return two_stage_edges(texts, candidate_embedder.encode(list(texts)), embedder.encode, config)

"""Semantic near-neighbours with FAISS: exact inner-product search for small sets, IVF past a size."""

from __future__ import annotations

import math

import numpy as np


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

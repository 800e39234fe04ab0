"""Leakage checks: reference benchmarks (n-grams and embeddings), answer in stem, release time, splits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from curation.config import DedupConfig
from curation.minhash import _mix64, minhash_edges
from curation.references import ReferenceItem
from curation.semantic import decide_pairs, embedding_edges, neighbours
from curation.texts import ItemText, pair_rejection
from embeddings import TextEmbedder
from schemas import BenchmarkItem, Flag
from textkit import normalize_text, tokens

MIN_NGRAM = 6
"""Items with fewer tokens than this are not n-gram checked (too little text to call a copy)."""

POST_CUTOFF_SPLIT = "post_cutoff"
LEAKED_SPLIT = "leaked"


@dataclass(frozen=True)
class LeakHit:
    """One item found in a reference benchmark: the matched reference, how, and how strongly."""

    item_id: str
    ref_id: str
    method: str
    score: float
    evidence: str

    def flag(self) -> Flag:
        """The hit as a flag on the item."""
        return Flag(kind="leakage", method=self.method, score=round(self.score, 4), evidence=self.evidence)


class NgramIndex:
    """Word n-grams (CJK: character n-grams) of reference items, as sorted hashes with their owner."""

    def __init__(self, references: Sequence[ReferenceItem], n: int = 13) -> None:
        self.n = n
        self.references = list(references)
        self._vocab: dict[str, int] = {}
        self._ref_ids = [self._ids(r.as_text().normalized) for r in self.references]
        self._tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _ids(self, normalized: str) -> np.ndarray:
        vocab = self._vocab
        return np.asarray([vocab.setdefault(t, len(vocab) + 1) for t in tokens(normalized)], dtype=np.uint64)

    @staticmethod
    def _grams(ids: np.ndarray, length: int) -> np.ndarray:
        width = len(ids) - length + 1
        if width <= 0:
            return np.zeros(0, dtype=np.uint64)
        h = np.full(width, np.uint64(length))
        for j in range(length):
            h = h * np.uint64(1099511628211) + ids[j : j + width]
        return _mix64(h)

    def _table(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        if length not in self._tables:
            parts = [self._grams(ids, length) for ids in self._ref_ids]
            owners = np.concatenate([np.full(len(p), i, dtype=np.int64) for i, p in enumerate(parts)] or [[]])
            hashes = np.concatenate(parts or [np.zeros(0, dtype=np.uint64)])
            order = np.lexsort((owners, hashes))
            hashes, owners = hashes[order], owners[order].astype(np.int64)
            keep = np.ones(len(hashes), dtype=bool)
            keep[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
            self._tables[length] = (hashes[keep], owners[keep])
        return self._tables[length]

    def best_match(self, normalized: str) -> tuple[int, float] | None:
        """(reference index, share of the item's n-grams found in it) for the best reference, or None."""
        ids = self._ids(normalized)
        if len(ids) < MIN_NGRAM:
            return None
        length = min(self.n, len(ids))
        grams = np.unique(self._grams(ids, length))
        hashes, owners = self._table(length)
        if not len(hashes):
            return None
        lo = np.searchsorted(hashes, grams, "left")
        hi = np.searchsorted(hashes, grams, "right")
        found = hi > lo
        if not found.any():
            return None
        # an n-gram shared by several references counts for each of them
        owners_hit = np.concatenate([owners[a:b] for a, b in zip(lo[found], hi[found], strict=True)])
        counts = np.bincount(owners_hit)
        ref = int(np.argmax(counts))
        return ref, float(counts[ref]) / len(grams)


def _evidence(ref: ReferenceItem) -> str:
    text = " ".join(ref.question.split())
    return f"{ref.ref_id}: {text[:160]}"


def reference_leaks(
    texts: Sequence[ItemText],
    references: Sequence[ReferenceItem],
    ngram: int = 13,
    config: DedupConfig | None = None,
    embedder: TextEmbedder | None = None,
) -> list[LeakHit]:
    """Items found in reference benchmarks: by n-gram overlap, by MinHash (items no n-gram caught), and
    by embedding when `embedder` is given.

    The embedding check catches reworded copies that break every n-gram; the pair guards still apply
    (other options or a different question on a shared vignette are not a copy).
    """
    config = config or DedupConfig()
    if not references or not texts:
        return []
    hits: list[LeakHit] = []
    index = NgramIndex(references, ngram)
    for text in texts:
        match = index.best_match(text.normalized)
        if match and match[1] >= config.leak_ngram_overlap:
            ref = references[match[0]]
            hits.append(LeakHit(text.item_id, ref.ref_id, f"ngram{ngram}", match[1], _evidence(ref)))
    ref_texts = [r.as_text() for r in references]
    flagged = {h.item_id for h in hits}
    pool = [*texts, *ref_texts]
    best: dict[int, tuple[float, int]] = {}
    for i, j, score in minhash_edges([t.normalized for t in pool], config):
        a, b = sorted((i, j))
        if a < len(texts) <= b and pool[a].item_id not in flagged and score > best.get(a, (0.0, 0))[0]:
            if pair_rejection(dataclasses.replace(pool[a], image_hashes=(), language=""), pool[b]) is None:
                best[a] = (score, b - len(texts))
    for a, (score, ref_index) in sorted(best.items()):
        ref = references[ref_index]
        hits.append(LeakHit(texts[a].item_id, ref.ref_id, config.describe("minhash"), score, _evidence(ref)))
    if embedder is not None:
        hits.extend(_embedding_leaks(texts, references, ref_texts, config, embedder))
    return hits


def _embedding_leaks(
    texts: Sequence[ItemText],
    references: Sequence[ReferenceItem],
    ref_texts: Sequence[ItemText],
    config: DedupConfig,
    embedder: TextEmbedder,
) -> list[LeakHit]:
    """Items whose nearest reference (of three) the config's semantic rule calls the same question
    (`decide_pairs`: the paraphrase verifier, or cosine at `leak_semantic_threshold`), guards passed."""
    item_vectors = embedder.encode([t.embedding_text for t in texts])
    ref_vectors = embedder.encode([t.embedding_text for t in ref_texts])
    sims, idx = neighbours(item_vectors, ref_vectors, 3, config.exact_index_max)
    rule = dataclasses.replace(
        config, semantic_rule=config.leak_semantic_rule, semantic_threshold=config.leak_semantic_threshold
    )
    pool = [*(t.embedding_text for t in texts), *(r.embedding_text for r in ref_texts)]
    pairs: list[tuple[int, int]] = []
    cosines: list[float] = []
    for row, text in enumerate(texts):
        plain = dataclasses.replace(text, image_hashes=(), language="")
        for sim, col in zip(sims[row].tolist(), idx[row].tolist(), strict=True):
            if col >= 0 and sim >= rule.semantic_floor() and pair_rejection(plain, ref_texts[col]) is None:
                pairs.append((row, len(texts) + col))
                cosines.append(float(sim))
    method = config.describe_semantic_leak()
    hits: dict[int, LeakHit] = {}
    for row, col, sim in decide_pairs(pool, pairs, cosines, embedder.encode, rule):
        if row not in hits:  # pairs come nearest first
            ref = references[col - len(texts)]
            hits[row] = LeakHit(texts[row].item_id, ref.ref_id, method, sim, _evidence(ref))
    return [hits[row] for row in sorted(hits)]


def answer_in_stem(item: BenchmarkItem, min_chars: int = 12) -> Flag | None:
    """A flag when the text of a correct option appears in the stem (the item gives its answer away)."""
    by_label = {o.label: o.text for o in item.options}
    stem = f" {normalize_text(item.question)} "
    for label in item.answers:
        answer = normalize_text(by_label.get(label, label if not item.options else ""))
        if len(answer) >= min_chars and f" {answer} " in stem:
            return Flag(
                kind="answer_in_stem", method="substring", score=1.0, evidence=f"option {label}: {answer}"
            )
    return None


def release_date(item: BenchmarkItem) -> dt.date | None:
    """The item's source release date: the published date, else 1 January of the edition year."""
    if item.release_time.published:
        return item.release_time.published
    if item.release_time.year:
        return dt.date(item.release_time.year, 1, 1)
    return None


def post_cutoff(item: BenchmarkItem, cutoff: dt.date) -> Flag | None:
    """A flag when the item's source was released after the cutoff (EMPEC: score these apart)."""
    released = release_date(item)
    if released is None:
        return None
    if item.release_time.published is None and item.release_time.year == cutoff.year:
        return None  # same year, no date: cannot say
    if released > cutoff:
        return Flag(
            kind="post_cutoff", method="release_time", evidence=f"released {released.isoformat()} > {cutoff}"
        )
    return None


@dataclass(frozen=True)
class CrossSplitDuplicate:
    """Two items in different splits that are duplicates (the later one leaks the other's answer)."""

    item_id: str
    other_id: str
    split: str
    other_split: str
    method: str
    score: float


def cross_split_duplicates(
    items: Sequence[BenchmarkItem],
    config: DedupConfig | None = None,
    embedder: TextEmbedder | None = None,
    min_chars: int = 12,
) -> list[CrossSplitDuplicate]:
    """Duplicate pairs across splits, by exact key and MinHash (and embeddings when given).

    Call it after split assignment; a release with any pair should not ship.
    """
    config = config or DedupConfig()
    pool = [(i, ItemText.of_item(it)) for i, it in enumerate(items)]
    pool = [(i, t) for i, t in pool if t.skip_reason(min_chars) is None]
    texts = [t for _, t in pool]
    found: dict[tuple[int, int], CrossSplitDuplicate] = {}

    def add(edges: list[tuple[int, int, float]], method: str, guard: bool) -> None:
        for a, b, score in edges:
            left, right = items[pool[a][0]], items[pool[b][0]]
            if left.split == right.split:
                continue
            if guard and pair_rejection(texts[a], texts[b]) is not None:
                continue
            key = (min(a, b), max(a, b))
            if key not in found:
                first, second = sorted((left, right), key=lambda it: (it.split, it.item_id))
                found[key] = CrossSplitDuplicate(
                    first.item_id, second.item_id, first.split, second.split, method, round(score, 4)
                )

    groups: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        groups.setdefault(text.exact_key(), []).append(index)
    add([(a, b, 1.0) for g in groups.values() for x, a in enumerate(g) for b in g[x + 1 :]], "exact", False)
    add(minhash_edges([t.normalized for t in texts], config), config.describe("minhash"), True)
    if embedder is not None and texts:
        edges, _ = embedding_edges([t.embedding_text for t in texts], embedder, config)
        add(edges, config.describe("semantic"), True)
    return sorted(found.values(), key=lambda d: (d.item_id, d.other_id))

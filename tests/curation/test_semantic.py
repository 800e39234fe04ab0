"""Semantic dedup in two stages: static vectors propose pairs, MiniLM decides on their texts only."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

import numpy as np
import pytest

from curation.config import DedupConfig
from curation.dedup import find_duplicates
from curation.semantic import candidate_pairs, two_stage_edges
from curation.texts import ItemText
from embeddings import FastEncoder
from schemas import SpecError


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_candidates_stand_out_of_a_crowded_topic_and_dense_groups_stay_in():
    rng = np.random.default_rng(0)
    topic = rng.normal(size=64)
    crowd = _unit(topic + 0.35 * rng.normal(size=(300, 64)))  # one topic: all alike, none a copy
    twin = _unit(crowd[:1] + 0.05 * rng.normal(size=(1, 64)))
    group = _unit(rng.normal(size=(1, 64)) + 0.02 * rng.normal(size=(15, 64)))  # 15 near-copies > k
    vectors = np.concatenate([crowd, twin, group])
    pairs = set(candidate_pairs(vectors, threshold=0.5, margin=0.1, k=10))
    assert (0, 300) in pairs
    assert not {p for p in pairs if p[1] < 300}  # the crowd proposes nothing among itself
    members = set(range(301, 316))
    assert members <= {i for p in pairs for i in p if i in members}
    assert candidate_pairs(vectors[:1], 0.5, 0.1, 10) == []
    assert candidate_pairs(_unit(np.stack([topic, topic + 0.01])), 0.7, 0.1, 10) == [(0, 1)]


class CountingEmbedder:
    """Wraps an embedder and records how many texts it was asked to encode."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.inner.encode(texts)


def test_two_stage_encodes_only_candidate_texts_and_keeps_the_threshold(bow_embedder):
    texts = ["alpha beta gamma delta", "alpha beta gamma delta epsilon", "zeta eta theta iota"]
    counting = CountingEmbedder(bow_embedder)
    static = np.array([[1.0, 0.0], [0.999, 0.045], [0.0, 1.0]], dtype=np.float32)
    cosine = DedupConfig(semantic_rule="cosine", semantic_threshold=0.8)
    edges, stats = two_stage_edges(texts, static, counting.encode, cosine)
    assert [(i, j) for i, j, _ in edges] == [(0, 1)] and counting.encoded == 2
    assert stats == {"candidate_pairs": 1, "encoded": 2}
    strict = DedupConfig(semantic_rule="cosine", semantic_threshold=0.99)
    edges, _ = two_stage_edges(texts, static, counting.encode, strict)
    assert edges == []  # MiniLM (here: bag of words) decides, by the semantic threshold


def test_candidates_setting_is_checked_and_named():
    assert "static0.70m0.10-k10" in DedupConfig().describe("semantic")
    assert (
        DedupConfig(semantic_candidates="none", semantic_rule="cosine")
        .describe("semantic")
        .endswith("cos0.88-k10")
    )
    verified = DedupConfig(semantic_candidates="none", semantic_rule="paraphrase")
    assert verified.describe("semantic").endswith("cos0.70-para0.54-k10")
    with pytest.raises(SpecError, match="semantic_candidates"):
        DedupConfig(semantic_candidates="faiss")  # type: ignore[arg-type]


def _real_with_twins(fixtures_dir, n: int, twins: int) -> tuple[list[ItemText], dict[int, int]]:
    rng = random.Random(4)
    rows = []
    for name in ("medqa/test.jsonl", "medmcqa/test.jsonl"):
        path = fixtures_dir / "reference_benchmarks" / "medagentsbench" / name
        rows += [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = rng.sample(rows, n)
    items = [
        ItemText.make(str(i), r["question"], [str(v) for v in r["options"].values()])
        for i, r in enumerate(rows)
    ]
    planted = {}
    vocabulary = sorted({w for r in rows for w in r["question"].split() if w.isalpha()})
    for original in rng.sample(range(n), twins):
        options = list(items[original].options)
        rng.shuffle(options)
        words = items[original].stem.split()
        if len(planted) % 2:
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        planted[len(items)] = original
        items.append(ItemText.make(str(len(items)), " ".join(words), options))
    return items, planted


def test_two_stage_finds_what_one_stage_finds_on_real_questions_with_reordered_twins(fixtures_dir):
    items, planted = _real_with_twins(fixtures_dir, 400, 20)
    minilm = CountingEmbedder(FastEncoder(backend="onnx", quantize=True))
    one = find_duplicates(items, ["semantic"], DedupConfig(semantic_candidates="none"), embedder=minilm)
    all_texts, minilm.encoded = minilm.encoded, 0
    two = find_duplicates(items, ["semantic"], DedupConfig(), embedder=minilm)
    assert minilm.encoded < all_texts / 3  # MiniLM ran on the candidates' texts only

    def merged(outcome) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
        return {(int(c.kept), int(m)) for c in outcome.clusters for m in c.removed}

    def found(outcome) -> set[int]:  # type: ignore[no-untyped-def]
        groups = {int(m): c.cluster_id for c in outcome.clusters for m in (*c.removed, c.kept)}
        return {c for c, o in planted.items() if c in groups and groups[c] == groups.get(o)}

    origin = {i: planted.get(i, i) for i in range(len(items))}
    for outcome in (one, two):  # a twin with one word swapped can mean something else: MiniLM says
        assert len(found(outcome)) >= 0.85 * len(planted)
        assert all(origin[a] == origin[b] for a, b in merged(outcome) if a in planted or b in planted)
    assert found(two) == found(one) and merged(two) == merged(one)

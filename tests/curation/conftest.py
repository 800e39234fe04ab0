"""Curation test helpers: a tiny deterministic embedder and a spec factory."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from schemas import BenchmarkSpec, SourceSpec
from textkit import normalize_text, tokens


class BagOfWordsEmbedder:
    """Hashed bag-of-words vectors: same words, same vector; enough to test the semantic plumbing."""

    name = "bow-test"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokens(normalize_text(text)):
                out[row, int(hashlib.md5(token.encode()).hexdigest()[:6], 16) % 256] += 1.0
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out / norms


@pytest.fixture
def bow_embedder() -> BagOfWordsEmbedder:
    return BagOfWordsEmbedder()


@pytest.fixture
def make_spec(tmp_path):
    def build(**sections: object) -> BenchmarkSpec:
        return BenchmarkSpec(
            benchmark="unit",
            sources=[SourceSpec(id="unit", kind="exam_collection", licence="CC-BY-4.0")],
            base_dir=str(tmp_path),
            **sections,
        )

    return build

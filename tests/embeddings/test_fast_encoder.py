"""The fast encoder (CPU, ONNX) matches plain sentence-transformers; the cache embeds only new texts."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings import CachedEmbedder, FastEncoder, SentenceEncoder, TextEmbedder, select_device
from embeddings.fast import length_sorted_batches

TEXTS = [
    "A 45-year-old man presents with crushing chest pain radiating to the left arm.",
    "What is the most likely diagnosis?",
    "Which vitamin deficiency causes scurvy?",
    "A 3-year-old girl has a barking cough and inspiratory stridor that worsens at night; "
    "lateral neck radiograph shows a steeple sign. Which virus is the most likely cause?",
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory):
    """Exports go to a temporary MEDFORGE_CACHE, not the user's home."""
    import os

    old = os.environ.get("MEDFORGE_CACHE")
    os.environ["MEDFORGE_CACHE"] = str(tmp_path_factory.mktemp("medforge-cache"))
    yield
    if old is None:
        os.environ.pop("MEDFORGE_CACHE", None)
    else:
        os.environ["MEDFORGE_CACHE"] = old


def test_length_sorted_batches_cover_all_and_respect_budget():
    lengths = [5, 40, 7, 300, 12, 12, 8]
    batches = list(length_sorted_batches(lengths, token_budget=64))
    assert sorted(int(i) for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        widest = max(lengths[i] for i in batch)
        assert len(batch) == 1 or len(batch) * widest <= 64
    assert [lengths[i] for i in batches[0]] == [5, 7, 8, 12, 12]


def test_device_is_cpu_without_gpu():
    import torch

    assert select_device() == ("cuda" if torch.cuda.is_available() else "cpu")


def test_onnx_paths_match_plain_sentence_transformers(onnx_cache):
    plain = SentenceEncoder(device="cpu").encode(TEXTS)
    fp32 = FastEncoder(quantize=False, backend="onnx")
    int8 = FastEncoder(quantize=True, backend="onnx")
    assert isinstance(int8, TextEmbedder) and int8.name == "all-MiniLM-L6-v2+onnx-int8"
    fast32, fast8 = fp32.encode(TEXTS), int8.encode(TEXTS)
    assert fast32.shape == fast8.shape == (4, 384)
    assert np.allclose(np.linalg.norm(fast8, axis=1), 1.0, atol=1e-4)
    assert (fast32 * plain).sum(1).min() > 0.9999  # same model, same vectors, input order kept
    assert (fast8 * plain).sum(1).min() > 0.97  # per-channel int8 stays close


class CountingEmbedder:
    name = "counting"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.stack([np.eye(8, dtype=np.float32)[len(t) % 8] for t in texts])


def test_cache_embeds_only_new_texts_and_returns_the_same_vectors(tmp_path):
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, tmp_path)
    first = cached.encode(["alpha", "beta", "alpha"])
    assert inner.seen == ["alpha", "beta"]
    again = CachedEmbedder(CountingEmbedder(), tmp_path)  # a new process: reads the shards
    second = again.encode(["beta", "alpha", "gamma!"])
    assert again.embedder.seen == ["gamma!"] and again.last_hits == 2
    assert np.array_equal(second[1], first[0]) and np.array_equal(second[0], first[1])
    assert len(list((tmp_path / "counting").glob("shard-*.npz"))) == 2

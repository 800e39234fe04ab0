"""An on-disk embedding cache keyed by (encoder name, sha256 of the text): rebuilds embed only new texts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings.encoder import TextEmbedder


def text_key(text: str) -> str:
    """Content hash of one text (the cache key inside one encoder's folder)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]


class EmbeddingCache:
    """Vectors of one encoder in `root/<encoder name>/shard-*.npz`; new vectors go to a new shard.

    Shards are append-only and named by the hash of their keys, so concurrent writers do not clobber
    each other and a rebuild from the same texts writes nothing.
    """

    def __init__(self, root: Path | str, encoder_name: str) -> None:
        self.folder = Path(root) / _slug(encoder_name)
        self._index: dict[str, np.ndarray] = {}
        self._loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for shard in sorted(self.folder.glob("shard-*.npz")):
            with np.load(shard) as data:
                for key, vector in zip(data["keys"].tolist(), data["vectors"], strict=True):
                    self._index[key] = vector

    def __len__(self) -> int:
        self._load()
        return len(self._index)

    def get_many(self, keys: Sequence[str]) -> list[np.ndarray | None]:
        """Cached vectors (float32) or None, per key."""
        self._load()
        return [self._index.get(k) for k in keys]

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Store new vectors (as float16 on disk: half the size, cosine error below 1e-3)."""
        self._load()
        fresh = [(k, v) for k, v in zip(keys, vectors, strict=True) if k not in self._index]
        if not fresh:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fresh_keys = np.asarray([k for k, _ in fresh])
        fresh_vectors = np.stack([v for _, v in fresh]).astype(np.float16)
        name = hashlib.sha256("".join(fresh_keys.tolist()).encode()).hexdigest()[:16]
        tmp = self.folder / f".tmp-{name}.npz"
        np.savez(tmp, keys=fresh_keys, vectors=fresh_vectors)
        tmp.replace(self.folder / f"shard-{name}.npz")
        for key, vector in zip(fresh_keys.tolist(), fresh_vectors, strict=True):
            self._index[key] = vector


class CachedEmbedder:
    """Wraps any TextEmbedder: texts already embedded (same encoder, same content) come from the cache."""

    def __init__(self, embedder: TextEmbedder, root: Path | str) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self.cache = EmbeddingCache(root, embedder.name)
        self.last_hits = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows; only cache misses reach the wrapped encoder.

        Every row is read back from the (float16) cache and renormalised, so a first build and a
        rebuild served wholly from the cache return the same vectors.
        """
        if not texts:
            return self.embedder.encode([])
        keys = [text_key(t) for t in texts]
        first_seen = {
            k: i
            for i, (k, v) in reversed(list(enumerate(zip(keys, self.cache.get_many(keys), strict=True))))
            if v is None
        }
        missing = sorted(first_seen.values())
        self.last_hits = len(texts) - sum(1 for k in keys if k in first_seen)
        if missing:
            self.cache.put_many([keys[i] for i in missing], self.embedder.encode([texts[i] for i in missing]))
        out = np.stack(self.cache.get_many(keys)).astype(np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

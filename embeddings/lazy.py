"""The embedder a build or a command shares: the fast encoder behind the content cache, loaded late.

One object is handed to synthesis, tagging and curation, so a build loads one model at most once,
and not at all when no stage encodes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from embeddings.batched import EngineEncoder
from embeddings.cache import CachedEmbedder
from embeddings.encoder import DEFAULT_MODEL
from embeddings.fast import cache_root, encoder_name, select_device
from engines import BatchEngine, LocalEngine


class LazyEmbedder:
    """A `TextEmbedder` whose model loads at the first `encode`; `name` is known before that."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        backend: str = "auto",
        cache_dir: Path | str | None = None,
        quantize: bool = False,
        engine: BatchEngine | None = None,
    ) -> None:
        self.model = model
        self.backend = backend
        self.quantize = quantize
        self.cache_dir = Path(cache_dir) if cache_dir else cache_root() / "embeddings"
        self.engine = engine or LocalEngine()
        """Where cache misses are encoded, batch by batch (default: in this process)."""
        self._encoder = EngineEncoder(model, backend, quantize, self.engine)
        self._loaded: CachedEmbedder | None = None

    @property
    def name(self) -> str:
        """Model and variant, known before the model loads (on a Ray engine: once it has connected)."""
        if self.engine.name == "local":
            return encoder_name(self.model, self.backend, select_device(), self.quantize)
        return self._encoder.name

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded (a stage encoded something)."""
        return self._loaded is not None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows, cached by content."""
        if self._loaded is None:
            self._loaded = CachedEmbedder(self._encoder, self.cache_dir)
        return self._loaded.encode(texts)


@cache
def default_encoder() -> LazyEmbedder:
    """The embedder of a caller that passes none: MiniLM (fp32) cached under `cache_root()`, one per
    process. A build passes its own (the `embedder` resource), with the cache in its cache folder."""
    return LazyEmbedder()

"""Embedding as engine batches: the fast encoder runs wherever the engine puts each batch.

`EncodeBatch` is the function the engine calls (in this process, a Ray worker or a GPU actor);
it loads the encoder once per process. `EngineEncoder` is the `TextEmbedder` over it: texts cut into
batches, vectors back in input order. Both engines cut the same batches, so they give the same vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.fast import encoder_name, fast_encoder, select_device
from engines import BatchEngine, LocalEngine
from schemas.progress import meter


@dataclass(frozen=True)
class EncodeBatch:
    """Vectors of one batch of texts from the process's shared fast encoder (loaded at first use)."""

    model: str
    backend: str = "auto"
    quantize: bool = True
    stateful = True
    """It holds a model: on a cluster with GPUs it runs on GPU actors."""

    def __call__(self, start: int, texts: list[str]) -> np.ndarray:
        return fast_encoder(self.model, self.backend, self.quantize).encode(texts)


class EngineEncoder:
    """A `TextEmbedder` whose batches run on an engine; `name` follows where they run (a GPU cluster
    encodes in fp16 torch, a CPU one with ONNX)."""

    def __init__(
        self, model: str, backend: str = "auto", quantize: bool = True, engine: BatchEngine | None = None
    ) -> None:
        self.engine = engine or LocalEngine()
        self.model = model
        self.backend = backend
        self.quantize = quantize
        self._name: str | None = None

    @property
    def name(self) -> str:
        """Model and variant (the embedding cache keys on it); asks a Ray engine for its GPUs."""
        if self._name is None:
            device = "cuda" if self.engine.accelerators else select_device()
            self._name = encoder_name(self.model, self.backend, device, self.quantize)
        return self._name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors in input order."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        blocks: list[np.ndarray] = []
        fn = EncodeBatch(self.model, self.backend, self.quantize)
        # in process the encoder meters its own batches; from a cluster only whole batches come back
        total = 0 if self.engine.name == "local" else len(texts)
        with meter("embedding", total, "texts") as advance:
            for block in self.engine.map_batches(fn, list(texts)):
                blocks.append(block)
                advance(len(block))
        return np.concatenate(blocks)

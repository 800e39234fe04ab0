"""Static embeddings distilled offline from the bundled MiniLM (model2vec): coarse, fast, for candidates.

A static model is one vector per token of MiniLM's vocabulary (each token run once through MiniLM,
PCA-reduced, SIF-weighted); a text's vector is the mean of its tokens' vectors, so encoding is a
tokeniser pass and a table lookup, no transformer. It is distilled once, on first use, from the
model files on disk (never downloaded), into the cache folder; a file lock keeps two processes from
distilling at once, and the folder is renamed into place whole.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from embeddings.encoder import DEFAULT_MODEL, _model_path
from embeddings.fast import cache_root
from schemas.progress import meter

STATIC_PCA_DIMS = 256
"""Dimensions the distilled vectors keep (model2vec's default; PCA over the token vectors)."""

DISTILLER = "model2vec-0.10.0"
"""What distils (part of the cache key and the encoder name: another version distils anew)."""


def static_name(model: str = DEFAULT_MODEL, pca_dims: int = STATIC_PCA_DIMS) -> str:
    """The name of the static encoder distilled from `model` (caches and settings key on it)."""
    return f"{model}+static-{DISTILLER}-pca{pca_dims}"


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _MeterBar:
    """Stands in for the tqdm bar model2vec's distiller opens: forwards its steps to `meter`."""

    def __init__(self, total: int | None = None, desc: str = "", unit: str = "", **_: object) -> None:
        self._context = meter("distilling a static model (once, then cached)", total, "tokens")
        self._advance = self._context.__enter__()

    def update(self, steps: int = 1) -> None:
        self._advance(steps)

    def close(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = None  # type: ignore[assignment]

    def __del__(self) -> None:
        self.close()


def static_model_dir(model: str = DEFAULT_MODEL, pca_dims: int = STATIC_PCA_DIMS) -> Path:
    """The folder of the static model distilled from `model`, distilling it on the first call.

    Distilling runs every token of the vocabulary through the model once: about 35 s for MiniLM
    (30K tokens) on 2 CPU cores, shown as a progress task. Later calls (any process) return the
    cached folder.
    """
    folder = cache_root() / "static" / _slug(static_name(model, pca_dims))
    if (folder / "model.safetensors").is_file():
        return folder
    with _locked(folder.with_name(folder.name + ".lock")):
        if (folder / "model.safetensors").is_file():  # another process distilled it meanwhile
            return folder
        _distill(model, pca_dims, folder)
    return folder


def _distill(model: str, pca_dims: int, folder: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import model2vec.distill.inference as inference
    from model2vec.distill import distill
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    source = _model_path(model)
    if not Path(source).is_dir():
        raise FileNotFoundError(f"static embeddings are distilled from model files on disk; {source} is not")
    # model2vec opens a tqdm bar over the vocabulary; its steps go to medforge's progress instead
    inference.tqdm = _MeterBar  # type: ignore[attr-defined,assignment]
    static = distill(source, pca_dims=pca_dims, device="cpu")
    tmp = folder.with_name(f".tmp-{os.getpid()}-{folder.name}")
    shutil.rmtree(tmp, ignore_errors=True)
    static.save_pretrained(str(tmp))
    tmp.replace(folder)


class StaticEncoder:
    """A `TextEmbedder` over a static model distilled from `model`: unit-length float32 rows."""

    def __init__(self, model: str = DEFAULT_MODEL, pca_dims: int = STATIC_PCA_DIMS) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from model2vec import StaticModel

        self.model = model
        self.name = static_name(model, pca_dims)
        self._static = StaticModel.from_pretrained(str(static_model_dir(model, pca_dims)))

    @property
    def dimension(self) -> int:
        """Length of one vector."""
        return int(self._static.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows (a text with no known token gets a zero row)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        step = 8192
        with meter("static embedding", len(texts), "texts") as advance:
            for start in range(0, len(texts), step):
                batch = list(texts[start : start + step])
                out[start : start + len(batch)] = self._static.encode(
                    batch, show_progress_bar=False, use_multiprocessing=False, max_length=512
                )
                advance(len(batch))
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


@cache
def static_encoder(model: str = DEFAULT_MODEL, pca_dims: int = STATIC_PCA_DIMS) -> StaticEncoder:
    """One shared static encoder per model, dimensions and process."""
    return StaticEncoder(model, pca_dims)

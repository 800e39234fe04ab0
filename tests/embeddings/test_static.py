"""The static model is distilled offline from the bundled MiniLM once, cached, and encodes unit rows."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

import embeddings.static as static
from embeddings.fast import cache_root
from embeddings.static import STATIC_PCA_DIMS, static_encoder, static_model_dir, static_name


def test_production_static_model_distils_into_the_cache_and_encodes_unit_rows(monkeypatch):
    encoder = static_encoder()  # the production setting (MiniLM, 256 dimensions), once per session
    folder = static_model_dir()
    assert folder.is_relative_to(cache_root()) and (folder / "model.safetensors").is_file()
    assert encoder.name == static_name() and encoder.name.endswith(f"pca{STATIC_PCA_DIMS}")
    texts = [
        "A 54-year-old man has crushing chest pain radiating to the left arm; the ECG shows ST elevation.",
        "a 54 year old man has crushing chest pain radiating to the left arm, the ECG shows ST elevation",
        "Which vitamin deficiency causes scurvy in sailors on long voyages?",
    ]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, encoder.dimension) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.95 > vectors[0] @ vectors[2]
    assert encoder.encode([]).shape == (0, encoder.dimension)

    def no_distilling(*args: object) -> None:
        raise AssertionError("distilled again")

    monkeypatch.setattr(static, "_distill", no_distilling)
    assert static_model_dir() == folder  # cached: later calls (and processes) only load it


def test_two_first_uses_at_once_distil_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDFORGE_CACHE", str(tmp_path))
    calls: list[Path] = []

    def fake_distill(model: str, pca_dims: int, folder: Path) -> None:
        calls.append(folder)
        threading.Event().wait(0.3)  # long enough for the other caller to reach the lock
        tmp = folder.with_name(".tmp-" + folder.name)
        tmp.mkdir(parents=True)
        (tmp / "model.safetensors").write_bytes(b"x")
        tmp.replace(folder)

    monkeypatch.setattr(static, "_distill", fake_distill)
    found: list[Path] = []
    workers = [threading.Thread(target=lambda: found.append(static_model_dir(pca_dims=8))) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(calls) == 1 and len(set(found)) == 1 and (found[0] / "model.safetensors").is_file()
    assert not [p for p in found[0].parent.iterdir() if p.name.startswith(".tmp-")]

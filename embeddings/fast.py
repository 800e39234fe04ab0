"""The fast encoder path: length-sorted token-budget batches, ONNX (int8) on CPU, fp16 torch on GPU.

Plain sentence-transformers pads every batch to its longest text in input order and runs fp32 torch;
on short exam items most of that work is padding. Here texts are tokenised once (Rust tokenizer),
sorted by length, and cut into batches by a token budget, so padding is small and batch size adapts
to text length; on CPU the model runs as an ONNX graph with int8 weights through onnxruntime, on a
GPU in fp16 with the budget halved on out-of-memory. Vectors come back in input order, unit length.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

import numpy as np

from embeddings.encoder import DEFAULT_MODEL, _model_path
from schemas.ids import cache_root
from schemas.progress import meter

CPU_TOKEN_BUDGET = 4096
"""Tokens (batch size x padded length) per CPU batch: fits L2/L3 well on small machines."""


def select_device() -> str:
    """'cuda' when torch sees a GPU, else 'cpu'."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def _pooling_mode(model_dir: Path) -> str:
    config = model_dir / "1_Pooling" / "config.json"
    if config.is_file() and json.loads(config.read_text()).get("pooling_mode_cls_token"):
        return "cls"
    return "mean"


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text()).get("max_seq_length", 256))
    return 256


def length_sorted_batches(
    lengths: Sequence[int], token_budget: int, max_batch: int = 512
) -> Iterator[np.ndarray]:
    """Index batches in increasing length whose size x longest length stays within `token_budget`."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    start = 0
    while start < len(order):
        stop = start + 1
        while stop < len(order) and stop - start < max_batch:
            if (stop - start + 1) * lengths[order[stop]] > token_budget:
                break
            stop += 1
        yield order[start:stop]
        start = stop


def export_onnx(model: str = DEFAULT_MODEL, quantize: bool = True) -> Path:
    """The model as an ONNX graph with pooling and normalisation inside (int8 weights if `quantize`).

    int8 is per-channel: per-tensor int8 moved MiniLM vectors to cosine 0.96 of fp32 on exam
    questions (too far for a 0.88 dedup threshold); per-channel keeps 0.99.

    Exported once into the cache folder; later calls return the file.
    """
    model_dir = Path(_model_path(model))
    folder = cache_root() / "onnx" / model.replace("/", "_")
    fp32, int8 = folder / "model.onnx", folder / "model-int8pc.onnx"
    target = int8 if quantize else fp32
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    if not fp32.is_file():
        _export_fp32(model_dir, fp32)
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = folder / f".tmp-{os.getpid()}-int8.onnx"
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        tmp.replace(int8)
    return target


def _export_fp32(model_dir: Path, target: Path) -> None:
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    pooling = _pooling_mode(model_dir)
    base = AutoModel.from_pretrained(str(model_dir)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.base(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    sample = torch.ones(2, 8, dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
    tmp = target.with_name(f".tmp-{os.getpid()}-{target.name}")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            (sample, sample, torch.zeros_like(sample)),
            str(tmp),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"],
            dynamic_axes=dynamic,
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(target)


def resolve_backend(backend: str, device: str) -> str:
    """The backend "auto" stands for on a device: fp16 torch on a GPU, ONNX on the CPU."""
    if backend != "auto":
        return backend
    return "torch" if device.startswith("cuda") else "onnx"


def encoder_name(model: str, backend: str, device: str, quantize: bool = True) -> str:
    """The name a FastEncoder of these settings has (caches key on it), known before it loads."""
    backend = resolve_backend(backend, device)
    if backend == "onnx":
        return f"{model}+onnx-{'int8' if quantize else 'fp32'}"
    return f"{model}+torch-{'fp16' if device.startswith('cuda') else 'fp32'}"


class FastEncoder:
    """A TextEmbedder on the fast path; `name` says model and variant (the cache keys on it).

    backend: "auto" (GPU fp16 when there is a GPU, else ONNX), "onnx", or "torch".
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        device: str | None = None,
        backend: str = "auto",
        quantize: bool = True,
        token_budget: int | None = None,
        threads: int | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.model = model
        self.device = device or select_device()
        self.backend = resolve_backend(backend, self.device)
        model_dir = Path(_model_path(model))
        self.max_length = _max_length(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_length)
        if self.backend == "onnx":
            import onnxruntime as ort

            path = export_onnx(model, quantize=quantize)
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self.name = encoder_name(model, self.backend, self.device, quantize)
            self.token_budget = token_budget or CPU_TOKEN_BUDGET
        else:
            from embeddings.torch_backend import TorchRunner  # imports CUDA bits only on this path

            self._runner = TorchRunner(model_dir, self.device, _pooling_mode(model_dir))
            self.name = encoder_name(model, self.backend, self.device, quantize)
            self.token_budget = token_budget or self._runner.default_token_budget()

    @property
    def dimension(self) -> int:
        """Length of one vector."""
        return int(self.encode(["x"]).shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors in input order."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        out: np.ndarray | None = None
        with meter("embedding", len(texts), "texts") as advance:
            for batch in length_sorted_batches(lengths, self.token_budget):
                width = max(lengths[i] for i in batch)
                ids = np.zeros((len(batch), width), dtype=np.int64)
                mask = np.zeros((len(batch), width), dtype=np.int64)
                for row, index in enumerate(batch):
                    tokens = encodings[index].ids
                    ids[row, : len(tokens)] = tokens
                    mask[row, : len(tokens)] = 1
                vectors = self._run(ids, mask)
                if out is None:
                    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
                out[batch] = vectors
                advance(len(batch))
        assert out is not None
        return out

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.backend == "onnx":
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            return self._session.run(None, feeds)[0].astype(np.float32)
        vectors, self.token_budget = self._runner.run(ids, mask, self.token_budget)
        return vectors


@cache
def fast_encoder(model: str = DEFAULT_MODEL, backend: str = "auto", quantize: bool = True) -> FastEncoder:
    """One shared fast encoder per model, backend, precision and process (loading takes seconds)."""
    return FastEncoder(model, backend=backend, quantize=quantize)

"""The torch path of the fast encoder: fp16 on a GPU, token budget from free memory, halved on OOM.

Imported only when the torch backend is chosen (a GPU is there, or asked for explicitly).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class TorchRunner:
    """Runs a transformers encoder on one device, pooling and normalising like sentence-transformers."""

    def __init__(self, model_dir: Path, device: str, pooling: str) -> None:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.torch = torch
        self.device = device
        self.pooling = pooling
        model = AutoModel.from_pretrained(str(model_dir)).eval().to(device)
        self.model = model.half() if device.startswith("cuda") else model

    def default_token_budget(self) -> int:
        """About a quarter of free GPU memory at ~64 KiB of activations per token; 8192 on CPU."""
        if not self.device.startswith("cuda"):
            return 8192
        free, _total = self.torch.cuda.mem_get_info()
        return int(max(8192, min(1 << 21, free // 4 // 65536)))

    def run(self, ids: np.ndarray, mask: np.ndarray, budget: int) -> tuple[np.ndarray, int]:
        """Vectors of one batch and the budget to use next (halved after an out-of-memory)."""
        torch = self.torch
        try:
            with torch.inference_mode():
                input_ids = torch.from_numpy(ids).to(self.device)
                attention = torch.from_numpy(mask).to(self.device)
                hidden = self.model(input_ids=input_ids, attention_mask=attention).last_hidden_state
                if self.pooling == "cls":
                    pooled = hidden[:, 0]
                else:
                    weights = attention.unsqueeze(-1).to(hidden.dtype)
                    pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-4)
                pooled = torch.nn.functional.normalize(pooled.float(), dim=-1)
                return pooled.cpu().numpy().astype(np.float32), budget
        except torch.OutOfMemoryError:
            if len(ids) == 1:
                raise
            torch.cuda.empty_cache()
            half = len(ids) // 2
            first, budget = self.run(ids[:half], mask[:half], budget // 2)
            second, budget = self.run(ids[half:], mask[half:], budget)
            return np.concatenate((first, second)), budget

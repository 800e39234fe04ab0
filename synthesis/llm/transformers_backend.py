"""A local `transformers` causal LM as a chat backend: greedy decoding, so replies are repeatable."""

from __future__ import annotations

import os
import threading
from typing import Any

from synthesis.llm.base import ChatMessage, LLMError, LLMReply


def render_prompt(tokenizer: Any, messages: list[ChatMessage]) -> str:
    """The model's chat template when it has one, else a plain role-prefixed transcript."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(
            [m.as_dict() for m in messages], tokenize=False, add_generation_prompt=True
        )
    lines = [f"{m.role}: {m.content}" for m in messages]
    return "\n".join([*lines, "assistant:"])


class TransformersBackend:
    """A causal LM loaded from a local path or the offline HF cache (never downloads by itself).

    Pass `model_obj` and `tokenizer` to use objects already in memory (tests build a tiny model).
    Generation is serialised with a lock: one model, one forward pass at a time.
    """

    name = "transformers"

    def __init__(
        self,
        model: str,
        *,
        device: str | None = None,
        model_obj: Any = None,
        tokenizer: Any = None,
        max_input_tokens: int = 4096,
    ) -> None:
        self.model = model
        self.max_input_tokens = max_input_tokens
        self._lock = threading.Lock()
        if model_obj is None or tokenizer is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from transformers import AutoModelForCausalLM, AutoTokenizer

            try:
                tokenizer = AutoTokenizer.from_pretrained(model)
                model_obj = AutoModelForCausalLM.from_pretrained(model)
            except (OSError, ValueError) as error:
                raise LLMError(f"cannot load local model '{model}': {error}") from None
        import torch

        if device is None:
            device = "cuda" if torch.cuda.is_available() else "cpu"
        self.device = device
        self._model = model_obj.to(device).eval()
        self._tokenizer = tokenizer

    def complete(self, messages: list[ChatMessage], *, max_tokens: int, temperature: float) -> LLMReply:
        """Greedy completion (temperature is ignored: the local path is meant to be repeatable)."""
        import torch

        prompt = render_prompt(self._tokenizer, messages)
        encoded = self._tokenizer(prompt, return_tensors="pt")
        positions = getattr(self._model.config, "max_position_embeddings", None) or getattr(
            self._model.config, "n_positions", None
        )
        limit = (
            self.max_input_tokens if positions is None else min(self.max_input_tokens, positions - max_tokens)
        )
        if limit < 1:
            raise LLMError(f"local model '{self.model}' has no room for {max_tokens} new tokens")
        input_ids = encoded["input_ids"][:, -limit:].to(self.device)
        attention = torch.ones_like(input_ids)
        pad_id = self._tokenizer.pad_token_id
        if pad_id is None:
            pad_id = self._tokenizer.eos_token_id if self._tokenizer.eos_token_id is not None else 0
        with self._lock, torch.no_grad():
            try:
                output = self._model.generate(
                    input_ids=input_ids,
                    attention_mask=attention,
                    max_new_tokens=max_tokens,
                    do_sample=False,
                    pad_token_id=pad_id,
                )
            except (RuntimeError, ValueError) as error:
                raise LLMError(f"local model '{self.model}' failed: {error}") from None
        new_tokens = output[0, input_ids.shape[1] :]
        text = self._tokenizer.decode(new_tokens, skip_special_tokens=True)
        return LLMReply(
            text=text,
            model=self.model,
            prompt_tokens=int(input_ids.shape[1]),
            completion_tokens=int(new_tokens.shape[0]),
        )

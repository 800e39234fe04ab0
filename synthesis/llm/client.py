"""The LLM client stages use: cache in front, concurrency limit, structured output with repairs, books."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from synthesis.llm.base import ChatMessage, InvalidLLMOutput, LLMBackend, LLMReply
from synthesis.llm.cache import ResponseCache, cache_key
from synthesis.prompts import Prompt

T = TypeVar("T", bound=BaseModel)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)
_REFUSAL = re.compile(r"^\s*(i'?m sorry|i can(?:no|')t|i am unable|as an ai)", re.IGNORECASE)


def extract_json(text: str) -> Any:
    """The JSON value in a reply: the whole text, a fenced block, or the outermost {...}."""
    candidates = [text.strip()]
    candidates += [m.strip() for m in _FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise ValueError("no JSON object found in the reply")


@dataclass
class LLMStats:
    """What the manifest records about LLM use in one stage run."""

    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    repairs: int = 0
    prompt_versions: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    failures: Counter[str] = field(default_factory=Counter)

    def as_metadata(self) -> dict[str, Any]:
        """Plain JSON-able counts for StageResult.metadata."""
        return {
            "llm_calls": self.calls,
            "cache_hits": self.cache_hits,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "repairs": self.repairs,
            "prompt_versions": sorted(self.prompt_versions),
            "models": sorted(self.models),
            "llm_failures": dict(sorted(self.failures.items())),
        }


class LLMClient:
    """Wraps a backend with the cache, a concurrency limit and pydantic-validated JSON output."""

    def __init__(
        self,
        backend: LLMBackend,
        *,
        cache: ResponseCache | None = None,
        concurrency: int = 4,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        max_repairs: int = 1,
    ) -> None:
        self.backend = backend
        self.cache = cache
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.max_repairs = max_repairs
        self.stats = LLMStats()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._books = threading.Lock()

    def complete(self, messages: list[ChatMessage], prompt_version: str) -> LLMReply:
        """One reply, from the cache when this exact request was answered before."""
        request = {
            "messages": [m.as_dict() for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        key = cache_key(self.backend.name, self.backend.model, prompt_version, request)
        reply = self.cache.get(key) if self.cache else None
        with self._books:
            self.stats.prompt_versions.add(prompt_version)
            self.stats.models.add(f"{self.backend.name}:{self.backend.model}")
            if reply is not None:
                self.stats.cache_hits += 1
        if reply is not None:
            return reply
        with self._slots:
            reply = self.backend.complete(messages, max_tokens=self.max_tokens, temperature=self.temperature)
        with self._books:
            self.stats.calls += 1
            self.stats.prompt_tokens += reply.prompt_tokens
            self.stats.completion_tokens += reply.completion_tokens
        if self.cache:
            self.cache.put(key, reply)
        return reply

    def structured(self, prompt: Prompt, variables: dict[str, Any], schema: type[T]) -> T:
        """A reply parsed into `schema`; an invalid one is sent back with the error, `max_repairs`
        times, then InvalidLLMOutput (the caller quarantines the input and the run goes on)."""
        messages = prompt.messages(variables)
        error = ""
        for attempt in range(self.max_repairs + 1):
            reply = self.complete(messages, prompt.version)
            try:
                return schema.model_validate(extract_json(reply.text))
            except (ValueError, ValidationError) as failure:
                refused = bool(_REFUSAL.match(reply.text))
                error = ("the model refused: " if refused else "") + _short(failure)
            if attempt < self.max_repairs:
                with self._books:
                    self.stats.repairs += 1
                messages = [
                    *messages,
                    ChatMessage("assistant", reply.text[:4000]),
                    ChatMessage(
                        "user",
                        f"That reply was not valid: {error}. Answer again with only one JSON object "
                        "that matches the requested format.",
                    ),
                ]
        raise InvalidLLMOutput(f"{prompt.name}: invalid output after {self.max_repairs + 1} tries: {error}")


def _short(error: Exception) -> str:
    text = str(error).replace("\n", " ")
    return text[:300]

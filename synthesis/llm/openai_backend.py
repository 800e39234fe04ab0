"""An OpenAI-compatible chat backend (hosted APIs, vLLM, Ollama, llama.cpp) with bounded backoff."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from synthesis.llm.base import ChatMessage, LLMError, LLMReply, MissingAPIKeyError

RETRIABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 30.0


NO_KEY = "no-key"


def read_api_key(variable: str) -> str:
    """The key held by `variable`; fails fast naming it. An empty variable name means the server
    needs no key (a local vLLM, Ollama or llama.cpp server)."""
    if not variable:
        return NO_KEY
    key = os.environ.get(variable, "").strip()
    if not key:
        raise MissingAPIKeyError(variable)
    return key


class OpenAIBackend:
    """Chat completions through the `openai` client; our own retry loop so the books are ours.

    The client's built-in retries are off (max_retries=0): 429, 5xx, timeouts and refused
    connections are retried here `max_retries` times with exponential backoff (honouring a
    Retry-After header up to 30 s), then raised as `LLMError`, which quarantines the one input.
    """

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str,
        timeout_s: float = 60.0,
        max_retries: int = 3,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        from openai import OpenAI

        self.model = model
        self.base_url = base_url
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.retries = 0
        self._sleep = sleep
        self._client = OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=0)

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff_s * (2**attempt)
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER_S))
            except ValueError:
                pass
        self.retries += 1
        self._sleep(delay)

    def complete(self, messages: list[ChatMessage], *, max_tokens: int, temperature: float) -> LLMReply:
        """One completion, retried on transient failures; LLMError names the last failure."""
        import openai

        last = ""
        for attempt in range(self.max_retries + 1):
            retry_after = None
            try:
                response = self._client.chat.completions.create(
                    model=self.model,
                    messages=[m.as_dict() for m in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                )
            except openai.APITimeoutError:
                last = "request timed out"
            except openai.APIConnectionError as error:
                last = f"connection failed: {error}"
            except openai.APIStatusError as error:
                last = f"HTTP {error.status_code}: {str(error)[:200]}"
                if error.status_code not in RETRIABLE_STATUS:
                    raise LLMError(f"{self.model} at {self.base_url}: {last}") from None
                retry_after = error.response.headers.get("retry-after") if error.response else None
            else:
                choice = response.choices[0] if response.choices else None
                text = (choice.message.content or "") if choice else ""
                usage = response.usage
                return LLMReply(
                    text=text,
                    model=response.model or self.model,
                    prompt_tokens=usage.prompt_tokens if usage else 0,
                    completion_tokens=usage.completion_tokens if usage else 0,
                )
            if attempt < self.max_retries:
                self._wait(attempt, retry_after)
        raise LLMError(
            f"{self.model} at {self.base_url}: gave up after {self.max_retries + 1} attempts: {last}",
            retriable=True,
        )

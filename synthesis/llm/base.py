"""What every LLM backend offers (one Protocol), what it answers, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from schemas import MedforgeError, ReasonCode


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        """The OpenAI wire form."""
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class LLMReply:
    """A completion with the token counts the manifest adds up."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


@runtime_checkable
class LLMBackend(Protocol):
    """A chat-completion backend: a name and model for provenance and the cache key, one call."""

    name: str
    model: str

    def complete(self, messages: list[ChatMessage], *, max_tokens: int, temperature: float) -> LLMReply:
        """One completion; raises LLMError when the backend cannot answer after its retries."""
        ...


class LLMError(MedforgeError):
    """Raised when a backend cannot answer (down, timed out, rate-limited past its retries)."""

    def __init__(
        self, message: str, reason_code: str = ReasonCode.LLM_ERROR, retriable: bool = False
    ) -> None:
        self.reason_code = reason_code
        self.retriable = retriable
        super().__init__(message)


class InvalidLLMOutput(LLMError):
    """Raised when a reply is still not valid structured output after the bounded repairs."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason_code=ReasonCode.INVALID_LLM_OUTPUT)


class MissingAPIKeyError(MedforgeError):
    """Raised when the OpenAI-compatible backend is chosen and its key variable is not set."""

    def __init__(self, variable: str) -> None:
        self.variable = variable
        super().__init__(
            f"synthesis backend 'openai' needs an API key: set the environment variable {variable} "
            "(or point spec.synthesis.api_key_env at the variable that holds it)"
        )


class NoBackend:
    """Backend `none`: the deterministic path; asking it for a completion is a programming error."""

    name = "none"
    model = "none"

    def complete(self, messages: list[ChatMessage], *, max_tokens: int, temperature: float) -> LLMReply:
        """Never answers: callers check `is_llm(backend)` first."""
        raise LLMError("backend 'none' makes no completions")


def is_llm(backend: LLMBackend | None) -> bool:
    """Whether a backend really generates text (anything but `none`)."""
    return backend is not None and backend.name != "none"

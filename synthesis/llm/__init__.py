"""LLM backends behind one Protocol (OpenAI-compatible HTTP, local transformers, none), the reply
cache and the client that validates structured output."""

from synthesis.llm.base import (
    ChatMessage,
    InvalidLLMOutput,
    LLMBackend,
    LLMError,
    LLMReply,
    MissingAPIKeyError,
    NoBackend,
    is_llm,
)
from synthesis.llm.cache import ResponseCache, cache_key
from synthesis.llm.client import LLMClient, LLMStats, extract_json
from synthesis.llm.factory import backend_from_spec, client_from_spec

__all__ = [
    "ChatMessage",
    "InvalidLLMOutput",
    "LLMBackend",
    "LLMClient",
    "LLMError",
    "LLMReply",
    "LLMStats",
    "MissingAPIKeyError",
    "NoBackend",
    "ResponseCache",
    "backend_from_spec",
    "cache_key",
    "client_from_spec",
    "extract_json",
    "is_llm",
]

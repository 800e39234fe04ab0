"""Backend and client from `spec.synthesis`: the one place that reads the backend settings."""

from __future__ import annotations

from pathlib import Path

from schemas import BenchmarkSpec, SpecError
from schemas.spec import SynthesisSpec
from synthesis.llm.base import LLMBackend, NoBackend, is_llm
from synthesis.llm.cache import ResponseCache
from synthesis.llm.client import LLMClient


def backend_from_spec(settings: SynthesisSpec) -> LLMBackend:
    """The configured backend; a missing API key or model fails here, before any input is read."""
    if settings.backend == "none":
        return NoBackend()
    if not settings.model:
        raise SpecError("synthesis.model", f"backend '{settings.backend}' needs a model name")
    if settings.backend == "openai":
        from synthesis.llm.openai_backend import OpenAIBackend, read_api_key

        return OpenAIBackend(
            settings.model,
            base_url=settings.base_url,
            api_key=read_api_key(settings.api_key_env),
            timeout_s=settings.timeout_s,
            max_retries=settings.max_retries,
            backoff_s=settings.backoff_s,
        )
    from synthesis.llm.transformers_backend import TransformersBackend

    return TransformersBackend(settings.model, device=settings.options.get("device"))


def spec_cache_dir(spec: BenchmarkSpec, given: Path | None = None) -> Path | None:
    """Where LLM replies are cached: the spec's `synthesis.cache_dir` when it names one, else `given`
    (the build's cache folder), else nowhere."""
    return spec.resolve(spec.synthesis.cache_dir) if spec.synthesis.cache_dir else given


def client_from_spec(
    spec: BenchmarkSpec, backend: LLMBackend | None = None, cache_dir: Path | None = None
) -> LLMClient | None:
    """An LLM client with the spec's limits and a reply cache in `spec_cache_dir`, or None on the
    deterministic path."""
    settings = spec.synthesis
    backend = backend if backend is not None else backend_from_spec(settings)
    if not is_llm(backend):
        return None
    folder = spec_cache_dir(spec, cache_dir)
    cache = ResponseCache(folder) if folder else None
    return LLMClient(
        backend,
        cache=cache,
        concurrency=settings.concurrency,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        max_repairs=settings.max_repairs,
    )

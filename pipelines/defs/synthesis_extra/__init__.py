"""Synthesis extras in Dagster: the LLM backend as a swappable resource (an ABC with one subclass per
backend), and checks that generated items pass the item checks and translations stay linked."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter

import dagster as dg
from pydantic import Field

from schemas import BenchmarkSpec, ItemOrigin, RecordError, StageResult, load_spec
from synthesis.checks import check_item
from synthesis.llm import LLMBackend, NoBackend, backend_from_spec


class LLMBackendResource(dg.ConfigurableResource, ABC):
    """The LLM a synthesis run uses; `build_backend()` gives the `synthesis.llm.LLMBackend` to pass
    as `synthesize_items(..., llm=...)`. Pick a subclass per deployment; `none` needs nothing."""

    @abstractmethod
    def build_backend(self) -> LLMBackend:
        """The backend object; fails fast when it cannot be made (e.g. no API key)."""


class NoLLMResource(LLMBackendResource):
    """The deterministic path: templates, OpenCC and ICD-10 distractors only."""

    def build_backend(self) -> LLMBackend:
        return NoBackend()


class OpenAICompatibleResource(LLMBackendResource):
    """A hosted API or a local vLLM / Ollama / llama.cpp server speaking the OpenAI chat API."""

    model: str = Field(description="model name as the server knows it")
    base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000/v1; None: OpenAI")
    api_key: str = Field(default="", description="set from dg.EnvVar('OPENAI_API_KEY'); empty: no key")
    timeout_s: float = 60.0
    max_retries: int = 3
    backoff_s: float = 1.0

    def build_backend(self) -> LLMBackend:
        from synthesis.llm.openai_backend import NO_KEY, OpenAIBackend

        return OpenAIBackend(
            self.model,
            base_url=self.base_url,
            api_key=self.api_key or NO_KEY,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            backoff_s=self.backoff_s,
        )


class TransformersResource(LLMBackendResource):
    """A local causal LM (path or offline HF cache name), greedy decoding."""

    model: str = Field(description="local path or cached model name")
    device: str | None = None

    def build_backend(self) -> LLMBackend:
        from synthesis.llm.transformers_backend import TransformersBackend

        return TransformersBackend(self.model, device=self.device)


class SpecLLMResource(LLMBackendResource):
    """The backend the benchmark spec names (`synthesis.backend`, `model`, `base_url`, `api_key_env`):
    the default, so a release records which model made it. Swap in another subclass to override it."""

    spec_path: str = Field(description="benchmark spec whose `synthesis` section names the backend")

    def build_backend(self) -> LLMBackend:
        return backend_from_spec(load_spec(self.spec_path).synthesis)


def resource_from_spec(spec: BenchmarkSpec) -> LLMBackendResource:
    """The resource matching `spec.synthesis` (the key comes from the variable the spec names)."""
    settings = spec.synthesis
    if settings.backend == "openai":
        backend_from_spec(settings)  # fail fast on a missing key or model
        return OpenAICompatibleResource(
            model=settings.model or "",
            base_url=settings.base_url,
            api_key=dg.EnvVar(settings.api_key_env) if settings.api_key_env else "",
            timeout_s=settings.timeout_s,
            max_retries=settings.max_retries,
            backoff_s=settings.backoff_s,
        )
    if settings.backend == "transformers":
        return TransformersResource(model=settings.model or "", device=settings.options.get("device"))
    return NoLLMResource()


def item_check_failures(result: StageResult) -> Counter[str]:
    """Reason codes of items in a result that fail the synthesis item checks (should be none)."""
    failures: Counter[str] = Counter()
    for item in result.records:
        try:
            check_item(item, generated=item.origin == ItemOrigin.SYNTHESIZED)
        except RecordError as error:
            failures[str(error.reason_code)] += 1
    return failures


@dg.asset_check(
    asset=dg.AssetKey("synthesized_items"),
    description="Every synthesized item passes the item checks (answer among options, distinct options, "
    "answer not in stem, fields, language); shows LLM calls, cache hits and tokens.",
)
def synthesized_items_pass_item_checks(synthesized_items: StageResult) -> dg.AssetCheckResult:
    failures = item_check_failures(synthesized_items)
    meta = synthesized_items.metadata
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={
            "failures_by_reason": dg.MetadataValue.json(dict(sorted(failures.items()))),
            "items_by_generator": dg.MetadataValue.json(meta.get("items_by_generator", {})),
            "llm_calls": int(meta.get("llm_calls", 0)),
            "cache_hits": int(meta.get("cache_hits", 0)),
            "prompt_tokens": int(meta.get("prompt_tokens", 0)),
            "completion_tokens": int(meta.get("completion_tokens", 0)),
        },
    )


@dg.asset_check(
    asset=dg.AssetKey("translated_items"),
    description="Every translation shares a parallel_group with an original; weak translations counted.",
)
def translations_are_linked(translated_items: StageResult) -> dg.AssetCheckResult:
    originals = {i.parallel_group for i in translated_items.records if i.origin != ItemOrigin.TRANSLATED}
    translations = [i for i in translated_items.records if i.origin == ItemOrigin.TRANSLATED]
    orphans = [i.item_id for i in translations if i.parallel_group not in originals]
    weak = sum(1 for i in translations if any(f.kind == "weak_translation" for f in i.flags))
    return dg.AssetCheckResult(
        passed=not orphans,
        metadata={"translations": len(translations), "orphans": len(orphans), "weak_translations": weak},
    )


defs = dg.Definitions(asset_checks=[synthesized_items_pass_item_checks, translations_are_linked])

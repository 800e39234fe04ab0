"""Shared test parts for synthesis: specs, a scripted LLM backend, a small deterministic embedder."""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from schemas import BenchmarkSpec, SourceSpec
from synthesis.llm import ChatMessage, LLMReply


def make_spec(synthesis: dict | None = None, translation: dict | None = None, seed: int = 0) -> BenchmarkSpec:
    """A minimal valid spec with the given synthesis/translation sections."""
    return BenchmarkSpec(
        benchmark="synth-test",
        sources=[SourceSpec(id="src", kind="pdf", licence="CC-BY-4.0")],
        synthesis=synthesis or {},
        translation=translation or {},
        seed=seed,
    )


class ScriptedBackend:
    """A backend whose replies come from a function of the messages; it counts its calls."""

    name = "scripted"

    def __init__(self, reply: Callable[[list[ChatMessage]], str], model: str = "scripted-1") -> None:
        self.model = model
        self._reply = reply
        self.calls: list[list[ChatMessage]] = []

    def complete(self, messages: list[ChatMessage], *, max_tokens: int, temperature: float) -> LLMReply:
        self.calls.append(messages)
        text = self._reply(messages)
        return LLMReply(text=text, model=self.model, prompt_tokens=10, completion_tokens=len(text.split()))


class WordHashEmbedder:
    """Bag of hashed words, unit length: texts sharing words are close. Fast and deterministic."""

    name = "word-hash-64"

    def encode(self, texts):
        rows = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                rows[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            norm = np.linalg.norm(rows[i])
            rows[i] = rows[i] / norm if norm else rows[i]
        return rows


def _load_jats_records():
    path = Path(__file__).with_name("jats_fixture_records.py")
    spec = importlib.util.spec_from_file_location("synthesis_jats_fixture_records", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def spec_factory():
    return make_spec


@pytest.fixture
def scripted():
    return ScriptedBackend


@pytest.fixture(scope="session")
def jats_records():
    """The JATS fixture reader (figures and case reports from ../shared/fixtures)."""
    return _load_jats_records()


@pytest.fixture
def word_embedder():
    return WordHashEmbedder()

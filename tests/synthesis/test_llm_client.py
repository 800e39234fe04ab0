"""The LLM client: JSON extraction, bounded repairs, the reply cache, prompt versions, the factory."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from schemas import ReasonCode, SpecError
from synthesis.llm import (
    InvalidLLMOutput,
    LLMClient,
    MissingAPIKeyError,
    NoBackend,
    ResponseCache,
    backend_from_spec,
    cache_key,
    client_from_spec,
    extract_json,
)
from synthesis.prompts import load_prompt, parse_prompt


class Answer(BaseModel):
    value: int


def test_extract_json_from_bare_fenced_and_chatty_replies():
    assert extract_json('{"value": 1}') == {"value": 1}
    assert extract_json('Sure!\n```json\n{"value": 2}\n```') == {"value": 2}
    assert extract_json('Here it is: {"value": 3} hope it helps') == {"value": 3}
    with pytest.raises(ValueError):
        extract_json("I cannot help with that.")


def test_invalid_reply_is_repaired_once_then_accepted(scripted):
    replies = iter(["not json at all", '{"value": 7}'])
    backend = scripted(lambda messages: next(replies))
    client = LLMClient(backend, max_repairs=1)
    prompt = parse_prompt("probe", 1, "## system\nBe terse.\n## user\nGive $thing as JSON.")
    assert client.structured(prompt, {"thing": "a number"}, Answer).value == 7
    repair_request = backend.calls[1]
    assert repair_request[-1].role == "user" and "not valid" in repair_request[-1].content
    assert repair_request[-2].content == "not json at all"
    assert client.stats.repairs == 1 and client.stats.calls == 2


def test_still_invalid_after_repairs_raises_invalid_output_with_reason(scripted):
    backend = scripted(lambda messages: "I'm sorry, I can't help with that.")
    client = LLMClient(backend, max_repairs=2)
    prompt = parse_prompt("probe", 1, "## user\nGive JSON.")
    with pytest.raises(InvalidLLMOutput) as caught:
        client.structured(prompt, {}, Answer)
    assert caught.value.reason_code == ReasonCode.INVALID_LLM_OUTPUT
    assert "refused" in str(caught.value)
    assert len(backend.calls) == 3


def test_cache_makes_a_rebuild_free_and_identical(tmp_path, scripted):
    backend = scripted(lambda messages: json.dumps({"value": len(messages[-1].content)}))
    prompt = parse_prompt("probe", 1, "## user\nCount $word.")
    first = LLMClient(backend, cache=ResponseCache(tmp_path))
    value = first.structured(prompt, {"word": "abc"}, Answer).value
    second = LLMClient(backend, cache=ResponseCache(tmp_path))
    assert second.structured(prompt, {"word": "abc"}, Answer).value == value
    assert len(backend.calls) == 1
    assert second.stats.cache_hits == 1 and second.stats.calls == 0
    assert second.stats.as_metadata()["prompt_versions"] == [prompt.version]
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_cache_key_changes_with_backend_model_prompt_and_input():
    base = cache_key("openai", "m", "p@v1", {"x": 1})
    assert base == cache_key("openai", "m", "p@v1", {"x": 1})
    assert (
        len(
            {
                base,
                cache_key("transformers", "m", "p@v1", {"x": 1}),
                cache_key("openai", "m2", "p@v1", {"x": 1}),
                cache_key("openai", "m", "p@v2", {"x": 1}),
                cache_key("openai", "m", "p@v1", {"x": 2}),
            }
        )
        == 5
    )


def test_shipped_prompts_load_with_versions_and_fill_variables():
    prompt = load_prompt("figure_vqa")
    assert prompt.version.startswith("figure_vqa@v1+")
    system, user = prompt.messages(
        {"caption": "CT of the chest", "context": "-", "max_questions": 2, "n_options": 4}
    )
    assert system.role == "system" and "JSON" in system.content
    assert "CT of the chest" in user.content and "$caption" not in user.content
    for name in ("case_distractors", "translate"):
        assert load_prompt(name).version.startswith(f"{name}@v1+")


def test_missing_api_key_fails_fast_naming_the_variable(monkeypatch, spec_factory):
    monkeypatch.delenv("MEDFORGE_TEST_KEY", raising=False)
    spec = spec_factory({"backend": "openai", "model": "gpt-x", "api_key_env": "MEDFORGE_TEST_KEY"})
    with pytest.raises(MissingAPIKeyError, match="MEDFORGE_TEST_KEY"):
        backend_from_spec(spec.synthesis)


def test_backend_none_gives_no_client_and_a_model_is_required_otherwise(spec_factory):
    assert client_from_spec(spec_factory(), NoBackend()) is None
    with pytest.raises(SpecError, match="synthesis.model"):
        backend_from_spec(spec_factory({"backend": "transformers"}).synthesis)

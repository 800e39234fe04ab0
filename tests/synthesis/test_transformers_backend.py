"""The local transformers backend with a tiny GPT-2 built from a config in the test (no download)."""

from __future__ import annotations

import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

from schemas import ReasonCode
from synthesis.generate import synthesize_items
from synthesis.llm import ChatMessage, backend_from_spec
from synthesis.llm.transformers_backend import TransformersBackend

WORDS = ["[UNK]", "[EOS]", "{", "}", '"questions"', ":", "[", "]", "ct", "scan", "of", "the", "chest", "user"]


def tiny_model():
    vocab = {word: index for index, word in enumerate(WORDS)}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", eos_token="[EOS]", pad_token="[EOS]"
    )
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(WORDS), n_positions=128, n_embd=16, n_layer=1, n_head=2)
    return GPT2LMHeadModel(config), tokenizer


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    model, tokenizer = tiny_model()
    folder = tmp_path_factory.mktemp("tiny-gpt2")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_greedy_completion_counts_tokens_and_repeats_itself():
    model, tokenizer = tiny_model()
    backend = TransformersBackend("tiny-gpt2", device="cpu", model_obj=model, tokenizer=tokenizer)
    messages = [ChatMessage("user", "ct scan of the chest")]
    first = backend.complete(messages, max_tokens=6, temperature=0.0)
    second = backend.complete(messages, max_tokens=6, temperature=0.7)
    assert first == second
    assert first.prompt_tokens > 5 and 1 <= first.completion_tokens <= 6
    assert first.model == "tiny-gpt2"


def test_long_prompts_are_cut_to_the_model_context():
    model, tokenizer = tiny_model()
    backend = TransformersBackend("tiny-gpt2", device="cpu", model_obj=model, tokenizer=tokenizer)
    reply = backend.complete([ChatMessage("user", "chest " * 500)], max_tokens=8, temperature=0.0)
    assert reply.prompt_tokens == 128 - 8


def _figure():
    from schemas import Figure

    return Figure(
        record_id="fig-1",
        document_id="d",
        source_id="src",
        uri="u",
        page=1,
        bbox=[0, 0, 1, 1],
        caption="CT scan of the chest.",
        image_path="aa/aa.png",
        image_sha256="a" * 64,
        licence="CC-BY-4.0",
    )


def test_spec_loads_a_local_model_and_junk_output_is_quarantined(tiny_model_dir, spec_factory, tmp_path):
    spec = spec_factory(
        {"backend": "transformers", "model": str(tiny_model_dir), "max_tokens": 8, "cache_dir": str(tmp_path)}
    )
    backend = backend_from_spec(spec.synthesis)
    assert backend.name == "transformers" and backend.model == str(tiny_model_dir)
    result = synthesize_items(spec, [], [], [_figure()], llm=backend)
    assert not result.records
    assert [r.reason_code for r in result.rejections] == [ReasonCode.INVALID_LLM_OUTPUT]
    assert str(result.rejections[0].disposition) == "quarantined"
    assert result.metadata["llm_calls"] == 2 and result.metadata["completion_tokens"] > 0
    assert result.metadata["models"] == [f"transformers:{tiny_model_dir}"]
    again = synthesize_items(spec, [], [], [_figure()], llm=backend)
    assert again.metadata["cache_hits"] == 2 and again.metadata["llm_calls"] == 0

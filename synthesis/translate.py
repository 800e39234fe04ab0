"""Translations of items: traditional <-> simplified Chinese with OpenCC, other pairs by LLM with a
back-translation similarity check that flags weak translations for review. An original and its
translations share one `parallel_group`."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field

from schemas import (
    BenchmarkItem,
    Flag,
    ItemOrigin,
    ProvenanceStep,
    ReasonCode,
    RecordError,
    Stage,
    TaskType,
    content_id,
)
from synthesis.checks import check_item
from synthesis.llm.client import LLMClient
from synthesis.prompts import load_prompt
from textkit import chinese_script_of_tag, detect_language, opencc_converter, opencc_version

TOOL_VERSION = "1"
_OPENCC_CONFIGS = {
    ("Hans", "zh-Hant"): "s2t",
    ("Hans", "zh-TW"): "s2tw",
    ("Hans", "zh-HK"): "s2hk",
    ("Hant", "zh-Hans"): "t2s",
    ("Hant", "zh-CN"): "t2s",
}


def same_language(a: str, b: str) -> bool:
    """Whether two tags name the same language (and, for Chinese, the same script: zh-CN == zh-Hans)."""
    if a.split("-")[0].lower() != b.split("-")[0].lower():
        return False
    if a.split("-")[0].lower() == "zh":
        return chinese_script_of_tag(a) == chinese_script_of_tag(b)
    return True


def source_script(item: BenchmarkItem) -> str | None:
    """Hans/Hant of a Chinese item, from its tag or, for a bare 'zh', from its text."""
    script = chinese_script_of_tag(item.language)
    if script is None and item.language.lower() == "zh":
        detected = detect_language(item.question)
        script = detected.split("-")[1] if detected and "-" in detected else None
    return script


def opencc_config(item: BenchmarkItem, target: str) -> str | None:
    """The OpenCC conversion from the item's script to the target, when both are Chinese."""
    if item.language.split("-")[0].lower() != "zh" or target.split("-")[0].lower() != "zh":
        return None
    script = source_script(item)
    if script is None:
        return None
    return _OPENCC_CONFIGS.get((script, target)) or _OPENCC_CONFIGS.get(
        (script, f"zh-{chinese_script_of_tag(target)}")
    )


def parallel_group(item: BenchmarkItem) -> str:
    """The group an original and its translations share."""
    return item.parallel_group or "pg-" + content_id(item.item_id)


def translated_copy(
    item: BenchmarkItem,
    target: str,
    *,
    question: str,
    option_texts: list[str],
    answers: list[str],
    explanation: str | None,
    step: ProvenanceStep,
    flags: list[Flag] | None = None,
) -> BenchmarkItem:
    """The translated item: same task, labels, images and source; new language, text and id."""
    options = [o.model_copy(update={"text": t}) for o, t in zip(item.options, option_texts, strict=True)]
    return item.with_changes(
        language=target,
        question=question,
        options=[o.model_dump() for o in options],
        answers=answers,
        explanation=explanation,
        source_key=f"{item.source_key}@{target}",
        origin=ItemOrigin.TRANSLATED,
        provenance=[p.model_dump() for p in [*item.provenance, step]],
        flags=[f.model_dump() for f in [*item.flags, *(flags or [])]],
        parallel_group=parallel_group(item),
        review_events=[],
    )


def opencc_translation(item: BenchmarkItem, target: str, config: str) -> BenchmarkItem:
    """A character-level conversion between Chinese scripts (no LLM; deterministic)."""
    convert: Callable[[str], str] = opencc_converter(config).convert
    translated = translated_copy(
        item,
        target,
        question=convert(item.question),
        option_texts=[convert(o.text) for o in item.options],
        answers=[convert(a) for a in item.answers]
        if item.task == TaskType.OPEN_ENDED
        else list(item.answers),
        explanation=convert(item.explanation) if item.explanation else None,
        step=ProvenanceStep(
            stage=Stage.TRANSLATE,
            tool=f"opencc:{config}",
            version=opencc_version(),
            record_id=item.item_id,
        ),
    )
    check_item(translated, generated=item.origin == ItemOrigin.SYNTHESIZED)
    return translated


class TranslatedItem(BaseModel):
    """The reply of the translate prompt."""

    question: str = Field(min_length=1)
    options: list[str] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)
    explanation: str | None = None


def _item_payload(question: str, options: list[str], answers: list[str], explanation: str | None) -> str:
    return json.dumps(
        {"question": question, "options": options, "answers": answers, "explanation": explanation},
        ensure_ascii=False,
        indent=1,
    )


def _as_text(question: str, options: list[str]) -> str:
    return "\n".join([question, *options])


def llm_translation(
    item: BenchmarkItem,
    target: str,
    client: LLMClient,
    embedder: object,
    min_similarity: float,
) -> BenchmarkItem:
    """A translation by LLM, back-translated and compared by embedding; weak ones carry a flag."""
    prompt = load_prompt("translate")
    open_ended = item.task == TaskType.OPEN_ENDED
    texts = [o.text for o in item.options]
    forward = client.structured(
        prompt,
        {
            "source_language": item.language,
            "target_language": target,
            "item_json": _item_payload(item.question, texts, list(item.answers), item.explanation),
        },
        TranslatedItem,
    )
    if len(forward.options) != len(item.options):
        raise RecordError(
            ReasonCode.INVALID_LLM_OUTPUT,
            f"translation has {len(forward.options)} options, the original {len(item.options)}",
        )
    if open_ended and len(forward.answers) != len(item.answers):
        raise RecordError(ReasonCode.INVALID_LLM_OUTPUT, "translation changed the number of answers")
    back = client.structured(
        prompt,
        {
            "source_language": target,
            "target_language": item.language,
            "item_json": _item_payload(forward.question, forward.options, forward.answers, None),
        },
        TranslatedItem,
    )
    vectors = np.asarray(
        embedder.encode([_as_text(item.question, texts), _as_text(back.question, back.options)]),
        dtype=np.float32,
    )
    similarity = float(vectors[0] @ vectors[1])
    method = f"back_translation:{getattr(embedder, 'name', type(embedder).__name__)}"
    flags = (
        [
            Flag(
                kind="weak_translation",
                method=method,
                score=round(similarity, 4),
                evidence=back.question[:500],
            )
        ]
        if similarity < min_similarity
        else []
    )
    translated = translated_copy(
        item,
        target,
        question=forward.question.strip(),
        option_texts=[o.strip() for o in forward.options],
        answers=[a.strip() for a in forward.answers] if open_ended else list(item.answers),
        explanation=forward.explanation.strip() if forward.explanation else None,
        step=ProvenanceStep(
            stage=Stage.TRANSLATE,
            tool="synthesis.translate.llm",
            version=TOOL_VERSION,
            record_id=item.item_id,
            prompt_version=prompt.version,
            model=f"{client.backend.name}:{client.backend.model}",
        ),
        flags=flags,
    )
    check_item(translated, generated=item.origin == ItemOrigin.SYNTHESIZED)
    return translated

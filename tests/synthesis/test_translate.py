"""Translation: OpenCC between Chinese scripts on real cases, LLM pairs with back-translation checks."""

from __future__ import annotations

import json

import pytest

from schemas import BenchmarkItem, ItemOrigin, Option, ReasonCode, SourceRef, TaskType
from synthesis.generate import translate_items
from textkit import detect_language


def make_item(question, options, answers, language, task=TaskType.MCQ_SINGLE, key="k"):
    opts = [Option(label=chr(65 + i), text=t) for i, t in enumerate(options)]
    return BenchmarkItem(
        item_id=BenchmarkItem.make_id(task, language, question, opts, answers),
        source_key=key,
        task=task,
        language=language,
        question=question,
        options=opts,
        answers=answers,
        source=SourceRef(source_id="s", uri="u"),
        licence="Apache-2.0",
        origin=ItemOrigin.IMPORTED,
    )


def cmb_items(jats_records, count=5):
    path = jats_records.fixtures_root() / "case_reports" / "zh" / "cmb-clin-test-qa.json"
    if not path.is_file():
        pytest.fail(f"fixture missing: {path}")
    cases = json.loads(path.read_text(encoding="utf-8"))[:count]
    items = []
    for number, case in enumerate(cases):
        qa = case["QA_pairs"][0]
        items.append(
            make_item(
                f"{case['description']}\n{qa['question']}",
                [],
                [qa["answer"]],
                "zh-Hans",
                TaskType.OPEN_ENDED,
                key=f"cmb-{number}",
            )
        )
    return items


def test_simplified_to_traditional_with_opencc_on_real_cases(spec_factory, jats_records):
    items = cmb_items(jats_records)
    result = translate_items(spec_factory(translation={"targets": ["zh-Hant"]}), items)
    assert result.expanded == len(items)
    translations = [i for i in result.records if i.origin == ItemOrigin.TRANSLATED]
    originals = [i for i in result.records if i.origin == ItemOrigin.IMPORTED]
    assert len(translations) == len(items) == len(originals)
    for translated in translations:
        original = next(o for o in originals if o.parallel_group == translated.parallel_group)
        assert translated.language == "zh-Hant" and translated.item_id != original.item_id
        assert detect_language(translated.question) == "zh-Hant"
        assert translated.provenance[-1].tool == "opencc:s2t"
        assert len(translated.question) == len(original.question)
    assert result.metadata["translated_by_method"] == {"opencc:s2t": len(items)}
    assert result.metadata["llm_calls"] == 0


def test_traditional_back_to_simplified_round_trips(spec_factory):
    item = make_item(
        "患者男性，45歲，因胸痛3天入院，既往有高血壓病史十年。最可能的診斷是什麼？",
        ["急性心肌梗死", "肺栓塞"],
        ["A"],
        "zh-TW",
    )
    result = translate_items(spec_factory(translation={"targets": ["zh-Hans"]}), [item])
    simplified = next(i for i in result.records if i.language == "zh-Hans")
    assert "高血压" in simplified.question and simplified.options[0].text == "急性心肌梗死"
    assert simplified.provenance[-1].tool == "opencc:t2s"


def test_other_pairs_without_an_llm_are_counted_as_skipped(spec_factory):
    item = make_item(
        "Which drug is first line for anaphylaxis in adults?", ["Epinephrine", "Atropine"], ["A"], "en"
    )
    result = translate_items(spec_factory(translation={"targets": ["pt-BR", "en"]}), [item])
    assert list(result.records) == [item]
    assert result.metadata["skipped"] == {"en->pt-BR:no_llm_backend": 1}


ENGLISH = make_item(
    "A 30-year-old man has fever, neck stiffness and photophobia. What is the most likely diagnosis?",
    ["Bacterial meningitis", "Migraine", "Tension headache"],
    ["A"],
    "en",
)
PORTUGUESE = {
    "question": "Um homem de 30 anos apresenta febre, rigidez de nuca e fotofobia. "
    "Qual é o diagnóstico mais provável?",
    "options": ["Meningite bacteriana", "Enxaqueca", "Cefaleia tensional"],
    "answers": ["A"],
    "explanation": None,
}


def translator(back_question):
    def reply(messages):
        if "into pt-BR" in messages[-1].content:
            return json.dumps(PORTUGUESE)
        return json.dumps(
            {
                "question": back_question,
                "options": ["Bacterial meningitis", "Migraine", "Tension headache"],
                "answers": ["A"],
            }
        )

    return reply


def test_llm_translation_keeps_labels_and_links_the_pair(spec_factory, scripted, word_embedder):
    backend = scripted(translator(ENGLISH.question))
    spec = spec_factory({"backend": "openai", "model": "x"}, {"targets": ["pt-BR"]})
    result = translate_items(spec, [ENGLISH], llm=backend, embedder=word_embedder)
    translated = next(i for i in result.records if i.language == "pt-BR")
    original = next(i for i in result.records if i.language == "en")
    assert translated.options[0].text == "Meningite bacteriana" and translated.answers == ["A"]
    assert translated.parallel_group == original.parallel_group is not None
    assert not translated.flags and result.metadata["weak_translations_flagged"] == 0
    assert result.metadata["llm_calls"] == 2


def test_weak_back_translation_is_flagged_for_review(spec_factory, scripted, word_embedder):
    backend = scripted(translator("Young patient with skin rash after eating shellfish, which allergy?"))
    spec = spec_factory({"backend": "openai", "model": "x"}, {"targets": ["pt-BR"]})
    result = translate_items(spec, [ENGLISH], llm=backend, embedder=word_embedder)
    translated = next(i for i in result.records if i.language == "pt-BR")
    assert translated.flags[0].kind == "weak_translation" and translated.flags[0].score < 0.8
    assert result.metadata["weak_translations_flagged"] == 1


def test_failed_translation_is_quarantined_and_the_original_goes_on(spec_factory, scripted, word_embedder):
    backend = scripted(lambda messages: json.dumps({**PORTUGUESE, "options": ["Meningite bacteriana"]}))
    spec = spec_factory({"backend": "openai", "model": "x"}, {"targets": ["pt-BR"]})
    result = translate_items(spec, [ENGLISH], llm=backend, embedder=word_embedder)
    assert list(result.records) == [ENGLISH]
    assert [r.reason_code for r in result.rejections] == [ReasonCode.INVALID_LLM_OUTPUT]
    assert str(result.rejections[0].disposition) == "quarantined"

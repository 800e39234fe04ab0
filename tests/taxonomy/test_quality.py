"""Tagging quality on real data: specialty of the 400 Brazilian exam questions (medbench_brasil)."""

from __future__ import annotations

import json

from benchmarks.bench_tagging import AREA_TO_LABEL, area_scores, load_exam_questions
from taxonomy.base import TextToTag
from taxonomy.lexicon import LexiconTagger
from taxonomy.tagging import tag_texts


def test_specialty_top1_and_any_match_on_medbench_brasil(fixtures_dir):
    folder = fixtures_dir / "exams" / "medbench_brasil"
    assert folder.is_dir(), f"missing fixture folder {folder}"
    questions = load_exam_questions(fixtures_dir)
    assert len(questions) == 400
    labels = {label for q in questions for label in q["labels"]}
    assert labels == set(AREA_TO_LABEL.values()), json.dumps(sorted(labels))
    results = tag_texts([TextToTag(q["text"], "pt-BR") for q in questions], [LexiconTagger()])
    top1 = any_match = 0
    for question, result in zip(questions, results, strict=True):
        scores = area_scores(result.tags)
        top1 += bool(scores) and scores[0][0] in question["labels"]
        any_match += any(label in question["labels"] for label, _ in scores)
    assert top1 / 400 >= 0.72, top1
    assert any_match / 400 >= 0.85, any_match

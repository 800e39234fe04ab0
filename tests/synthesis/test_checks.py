"""Item checks: answer among options, distinct options, answer not in stem, fields, language."""

from __future__ import annotations

import pytest

from schemas import (
    BenchmarkItem,
    ImageRef,
    ItemOrigin,
    Option,
    ReasonCode,
    RecordError,
    SourceRef,
    TaskType,
)
from synthesis.checks import check_item


def item(question, options, answers, task=TaskType.MCQ_SINGLE, language="en", images=()):
    opts = [Option(label=label, text=text) for label, text in options]
    images = list(images)
    return BenchmarkItem(
        item_id=BenchmarkItem.make_id(task, language, question, opts, answers, [i.sha256 for i in images]),
        source_key="k",
        task=task,
        language=language,
        question=question,
        options=opts,
        answers=answers,
        images=images,
        source=SourceRef(source_id="s", uri="u"),
        licence="CC-BY-4.0",
        origin=ItemOrigin.SYNTHESIZED,
    )


STEM = "A 54-year-old man presents with crushing chest pain radiating to the left arm for two hours."
GOOD = [("A", "Acute myocardial infarction"), ("B", "Pulmonary embolism"), ("C", "Aortic dissection")]


def reason(candidate, generated=True):
    with pytest.raises(RecordError) as caught:
        check_item(candidate, generated=generated)
    return caught.value.reason_code


def test_a_sound_item_passes():
    check_item(item(STEM + " What is the most likely diagnosis?", GOOD, ["A"]))


def test_each_failure_has_its_reason():
    assert reason(item(STEM, GOOD, ["D"])) == ReasonCode.ANSWER_NOT_IN_OPTIONS
    duplicate = [("A", "Pulmonary embolism"), ("B", "pulmonary  embolism."), ("C", "Aortic dissection")]
    assert reason(item(STEM, duplicate, ["C"])) == ReasonCode.DUPLICATE_OPTIONS
    leaky = STEM + " An ECG suggests acute myocardial infarction. What next?"
    assert reason(item(leaky, GOOD, ["A"])) == ReasonCode.ANSWER_IN_STEM
    assert reason(item(STEM, [("A", "Only one")], ["A"])) == ReasonCode.MISSING_FIELD
    assert reason(item(STEM, GOOD, ["A"], task=TaskType.VQA)) == ReasonCode.MISSING_FIELD
    assert reason(item(STEM, GOOD, ["A"], language="pt-BR")) == ReasonCode.LANGUAGE_MISMATCH


def test_exam_items_may_repeat_an_option_in_the_stem():
    leaky = STEM + " An ECG suggests acute myocardial infarction. What next?"
    check_item(item(leaky, GOOD, ["A"]), generated=False)


def test_vqa_item_with_image_passes():
    image = ImageRef(path="ab/ab.png", sha256="ab" * 32, caption="CT of the chest")
    check_item(item("Which imaging modality produced this image?", GOOD, ["B"], TaskType.VQA, images=[image]))


def test_each_item_is_checked_once_and_a_changed_item_again(monkeypatch):
    import synthesis.checks as checks

    calls = []
    real = checks.detect_language
    monkeypatch.setattr(checks, "detect_language", lambda text: calls.append(text) or real(text))
    sound = item(STEM + " Which vessel is most likely occluded in this man?", GOOD, ["A"])
    check_item(sound)
    check_item(sound)  # the asset check after synthesis: same fields, same verdict, no second detection
    check_item(sound.model_copy())
    assert len(calls) == 1
    relabelled = sound.model_copy(update={"language": "pt-BR"})
    assert reason(relabelled) == ReasonCode.LANGUAGE_MISMATCH
    assert reason(relabelled) == ReasonCode.LANGUAGE_MISMATCH  # a failure is never remembered as a pass
    assert len(calls) == 5  # a failing item is read twice: its stem alone, then stem and options
    check_item(sound, generated=False)  # another set of checks: checked on its own
    assert len(calls) == 6

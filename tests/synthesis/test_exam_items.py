"""Exam questions of real banks as items: image policy, source labels as tags, fill-in and alternative
keys, sign-aware option checks, and rejections that say where the question was and what its row held."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extractors.exams import extract_exam_questions
from schemas import BenchmarkSpec, ExamQuestion, Option, SourceDocument, TaskType
from scrapers.store import store_bytes
from synthesis.exam_items import exam_question_to_item
from synthesis.generate import synthesize_items
from tests.synthesis.conftest import make_spec

TW_OPTIONS = {
    "exam": "醫師國考",
    "fields": {
        "stem": "question_text",
        "options": "choices",
        "answers": "answer",
        "number": "question_no",
        "id": "id",
        "edition_year": "year_roc",
        "edition_session": "session",
        "images": "images",
        "source_labels": "category",
    },
    "year_calendar": "roc",
}


@pytest.fixture(scope="module")
def tw_questions(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[ExamQuestion]:
    """The first 120 questions of the ROC-108 paper (20 of them with an image URL), extracted for real."""
    rows = json.loads(
        (fixtures_dir / "exams_wild" / "tw_medexam" / "Question-Bank" / "108.json").read_bytes()
    )
    data = json.dumps(rows[:120], ensure_ascii=False).encode()
    raw = tmp_path_factory.mktemp("raw")
    sha, rel, _ = store_bytes(raw, data)
    doc = SourceDocument(
        document_id=sha,
        source_id="tw",
        uri="Question-Bank/108.json",
        fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        media_type="application/json",
        byte_size=len(data),
        licence="unknown",
        raw_path=rel,
    )
    spec = BenchmarkSpec(
        benchmark="t",
        sources=[
            {
                "id": "tw",
                "kind": "exam_collection",
                "licence": "unknown",
                "language": "zh-Hant",
                "options": TW_OPTIONS,
            }
        ],
    )
    return list(extract_exam_questions(spec, [doc], raw).records)


def test_image_questions_are_rejected_with_their_evidence_by_default(tw_questions) -> None:
    with_image = [q for q in tw_questions if q.needs_image]
    assert with_image and all(q.image_refs or q.image_evidence for q in with_image)
    result = synthesize_items(make_spec(), tw_questions, [], [])
    rejected = [r for r in result.rejections if r.reason_code == "needs_image"]
    assert len(rejected) == len(with_image)
    example = next(r for r in rejected if "cougarbot" in r.message)
    assert example.message.startswith("question needs an image it does not have (the row names an image")
    # the rejection says where the question sits and carries its raw row
    assert example.locator.startswith("file 108.json, row ") and ", id Q-108-" in example.locator
    payload = json.loads(example.payload)
    raw_row = json.loads(payload["raw_row"])
    assert raw_row["id"] == payload["locator"].rsplit("id ", 1)[1] and raw_row["images"]


def test_image_policy_quarantine_and_keep_flagged(tw_questions) -> None:
    with_image = sum(q.needs_image for q in tw_questions)
    quarantined = synthesize_items(make_spec({"exam_images": "quarantine"}), tw_questions, [], [])
    assert sum(r.disposition == "quarantined" for r in quarantined.rejections) == with_image
    kept = synthesize_items(make_spec({"exam_images": "keep_flagged"}), tw_questions, [], [])
    flagged = [i for i in kept.records if any(f.kind == "needs_image" for f in i.flags)]
    assert len(flagged) == with_image
    assert all(f.evidence for i in flagged for f in i.flags if f.kind == "needs_image")


def test_source_labels_year_and_session_reach_the_items(tw_questions) -> None:
    items = synthesize_items(make_spec(), tw_questions, [], []).records
    first = next(i for i in items if i.question.startswith("一位40歲女性，因車禍接受頭部電腦斷層攝影"))
    assert [(t.code, t.tagger) for t in first.tags] == [("新陳代謝科", "source_labels")]
    assert (first.release_time.year, first.release_time.session) == (2019, "第一次")
    assert first.answers == ["D"] and first.options[3].text == "說明病情使病患放心（reassurance）"


def _question(**fields) -> ExamQuestion:
    base = {
        "record_id": "exq-1",
        "document_id": "d",
        "source_id": "s",
        "uri": "bank.json",
        "exam": "E",
        "language": "zh-Hant",
        "stem": "下列何種檢查結果最符合急性B型肝炎？",
        "licence": "unknown",
    }
    return ExamQuestion(**{**base, **fields})


def test_options_differing_only_by_sign_are_kept(fixtures_dir: Path) -> None:
    # tw 108.json question Q-108-1-4-002: four serologies that differ only by (+) and (-)
    rows = json.loads(
        (fixtures_dir / "exams_wild" / "tw_medexam" / "Question-Bank" / "108.json").read_bytes()
    )
    row = next(r for r in rows if r["id"] == "Q-108-1-4-002")
    options = [Option(label=c[1], text=c[3:]) for c in row["choices"]]
    item = exam_question_to_item(
        _question(stem=row["question_text"], options=options, answers=[row["answer"]])
    )
    from synthesis.checks import check_item

    check_item(item, generated=False)
    same = [Option(label="A", text="−20度"), Option(label="B", text="20度"), Option(label="C", text="20度。")]
    with pytest.raises(Exception, match="options B and C say the same"):
        check_item(exam_question_to_item(_question(options=same, answers=["A"])), generated=False)


def test_numeric_fill_in_and_alternative_keys() -> None:
    fill_in = exam_question_to_item(
        _question(
            stem="每日最低尿量應為多少 mL？", options=[], answers=["400"], answer_note="numeric fill-in"
        )
    )
    assert fill_in.task == TaskType.OPEN_ENDED and fill_in.answers == ["400"]
    options = [Option(label=x, text=t) for x, t in zip("ABCD", ["肝", "胰", "脾", "腎"], strict=True)]
    either = exam_question_to_item(
        _question(options=options, answers=["A", "D"], answer_note="alternatives: any one is accepted")
    )
    assert either.task == TaskType.MCQ_SINGLE and [f.kind for f in either.flags] == ["alternative_answers"]
    both = exam_question_to_item(_question(options=options, answers=["A", "D"]))
    assert both.task == TaskType.MCQ_MULTI


def test_annulled_key_gives_its_reason() -> None:
    options = [Option(label=x, text=t) for x, t in zip("AB", ["肝", "胰"], strict=True)]
    with pytest.raises(Exception, match=r"annulled by the exam board \(the key says 'invalid'\)"):
        exam_question_to_item(
            _question(options=options, answers=[], annulled=True, answer_note="the key says 'invalid'")
        )


def test_how_many_answers_a_stem_asks_for() -> None:
    from synthesis.exam_items import answers_asked

    assert answers_asked("毒物及び劇物取締法で劇物に指定されているのはどれか。**2つ選べ**。") == 2
    assert answers_asked("下列哪些正确？（选两项）") == 2
    assert answers_asked("Which of the following are causes? Choose two.") == 2
    assert answers_asked("Välj två alternativ:") == 2
    assert answers_asked("Välj ett alternativ:") is None

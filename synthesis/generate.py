"""The synthesis stage entry point: every extracted record becomes items or a rejection."""

from __future__ import annotations

from collections.abc import Sequence

from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    CaseReport,
    ExamQuestion,
    Figure,
    ReasonCode,
    RecordError,
    Rejection,
    Stage,
    StageResult,
)
from synthesis.exam_items import exam_question_to_item


def _rejection(record_id: str, record_type: str, uri: str, code: str, message: str) -> Rejection:
    return Rejection(
        record_id=record_id,
        record_type=record_type,
        stage=Stage.SYNTHESIZE,
        reason_code=code,
        message=message,
        source_uri=uri,
    )


def synthesize_items(
    spec: BenchmarkSpec,
    exam_questions: Sequence[ExamQuestion],
    case_reports: Sequence[CaseReport],
    figures: Sequence[Figure],
) -> StageResult[BenchmarkItem]:
    """Items from every extracted record. Today: exam questions pass through normalised; case
    reports and figures are rejected with `no_item_generated` until their generators exist."""
    items: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    for question in exam_questions:
        try:
            items.append(exam_question_to_item(question))
        except RecordError as error:
            rejections.append(
                _rejection(question.record_id, "ExamQuestion", question.uri, error.reason_code, str(error))
            )
    for report in case_reports:
        rejections.append(
            _rejection(
                report.record_id,
                "CaseReport",
                report.uri,
                ReasonCode.NO_ITEM_GENERATED,
                "case-report diagnosis items are not generated yet",
            )
        )
    for figure in figures:
        rejections.append(
            _rejection(
                figure.record_id,
                "Figure",
                figure.uri,
                ReasonCode.NO_ITEM_GENERATED,
                "figure VQA items are not generated yet",
            )
        )
    return StageResult(
        stage=Stage.SYNTHESIZE,
        records=sorted(items, key=lambda i: i.item_id),
        rejections=rejections,
        records_in=len(exam_questions) + len(case_reports) + len(figures),
    )


def translate_items(spec: BenchmarkSpec, items: Sequence[BenchmarkItem]) -> StageResult[BenchmarkItem]:
    """Translations of items into `spec.translation.targets`. Today: none are made, items pass."""
    return StageResult(
        stage=Stage.TRANSLATE,
        records=list(items),
        records_in=len(items),
        metadata={"translated": 0, "targets": list(spec.translation.targets)},
    )

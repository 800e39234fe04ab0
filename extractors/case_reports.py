"""The case-report extraction stage: JATS XML and journal HTML documents to CaseReport records.

Documents of case-report sources (the kinds the registry gives to this extractor) are its input;
others are not counted. An article presenting several patients ('Case 1' / 'Case II' / 'Patient A'
sections, or paragraphs opening 'Case 1:' / 'The second case') gives one record per patient, each
with its own presentation and diagnosis (as PMC-Patients splits them). An article that is neither
typed a case report nor has a case-presentation section is rejected with `not_a_case_report`;
parse failures with their reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from extractors.case_diagnosis import diagnosis_from_text, find_diagnosis
from extractors.case_text import (
    ArticleParts,
    case_presentation,
    figure_mentions,
    patient_paragraphs,
    patient_sections,
)
from extractors.jats import parse_jats
from extractors.journal_html import parse_journal_html
from schemas import (
    BenchmarkSpec,
    CaseReport,
    FigureRef,
    ReasonCode,
    RecordError,
    Rejection,
    SourceDocument,
    Stage,
    StageResult,
    content_id,
)
from schemas.dates import parse_iso_date
from schemas.source_kinds import Extractor, kinds_read_by

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def looks_like_html(data: bytes, media_type: str | None = None, name: str = "") -> bool:
    """HTML by media type, file name or first bytes (JATS opens with <?xml, <!DOCTYPE article, <article)."""
    if media_type in HTML_TYPES or name.lower().endswith((".html", ".htm")):
        return True
    if media_type and "xml" in media_type:
        return False
    head = data[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:512]


def parse_article(data: bytes, media_type: str | None = None, name: str = "") -> ArticleParts:
    """Article parts of JATS XML or a journal HTML page; RecordError when neither can be read."""
    if looks_like_html(data, media_type, name):
        return parse_journal_html(data)
    return parse_jats(data)


def is_case_report(parts: ArticleParts, case_text: str | None) -> bool:
    """Typed a case report, or presents a case in a titled section."""
    kind = (parts.article_type or "").lower()
    return "case" in kind or case_text is not None


def case_record_id(document_id: str, patient: int | None = None) -> str:
    """The content id of the case report of one document (of its n-th patient, from 1, when several)."""
    return "case-" + content_id([document_id] if patient is None else [document_id, str(patient)])


def build_case_report(
    parts: ArticleParts, document_id: str, source_id: str, uri: str, licence: str, language: str
) -> CaseReport:
    """A CaseReport from article parts (whether or not it is a case report: callers decide)."""
    case_text = case_presentation(parts.sections) or case_presentation(parts.abstract_sections)
    diagnosis, found_in = find_diagnosis(parts, case_text, use_title=is_case_report(parts, case_text))
    return CaseReport(
        record_id=case_record_id(document_id),
        document_id=document_id,
        source_id=source_id,
        uri=uri,
        pmcid=parts.pmcid,
        doi=parts.doi,
        title=parts.title or "",
        article_type=parts.article_type,
        published=parse_iso_date(parts.published),
        licence=parts.licence or licence,
        language=parts.language or language,
        abstract=parts.abstract,
        case_presentation=case_text,
        diagnosis=diagnosis,
        diagnosis_found_in=found_in,
        figures=[
            FigureRef(label=label, caption=caption, figure_id=fid) for label, caption, fid in parts.figures
        ],
        figure_mentions=figure_mentions(parts.paragraphs),
    )


def build_case_reports(
    parts: ArticleParts, document_id: str, source_id: str, uri: str, licence: str, language: str
) -> list[CaseReport]:
    """One CaseReport per patient the article presents (one when it presents one).

    A patient's diagnosis is the one their own text names ('was diagnosed with X'); failing that,
    the article's (title or diagnosis section), which the patients of a series share.
    """
    whole = build_case_report(parts, document_id, source_id, uri, licence, language)
    patients = patient_sections(parts.sections) or patient_paragraphs(whole.case_presentation)
    if not patients:
        return [whole]
    reports = []
    for number, (label, text) in enumerate(patients, start=1):
        own = diagnosis_from_text(text)
        reports.append(
            whole.model_copy(
                update={
                    "record_id": case_record_id(document_id, number),
                    "case_presentation": text,
                    "diagnosis": own or whole.diagnosis,
                    "diagnosis_found_in": f"patient:{label}" if own else whole.diagnosis_found_in,
                    "figure_mentions": figure_mentions(text.split("\n")),
                    "patient": label,
                }
            )
        )
    return reports


def case_reports_of_article(
    data: bytes,
    media_type: str | None,
    document_id: str,
    source_id: str,
    uri: str,
    licence: str,
    language: str,
) -> list[CaseReport]:
    """The case reports in one article's bytes, one per patient (see `case_report_of_article` for
    what is refused)."""
    parts = parse_article(data, media_type, uri)
    if not parts.title:
        raise RecordError(ReasonCode.MISSING_FIELD, "article has no title")
    reports = build_case_reports(parts, document_id, source_id, uri, licence, language)
    if not is_case_report(parts, case_presentation(parts.sections) or reports[0].case_presentation):
        raise RecordError(
            ReasonCode.NOT_A_CASE_REPORT,
            f"article type '{parts.article_type}' and no case-presentation section",
        )
    return reports


def case_report_of_article(
    data: bytes,
    media_type: str | None,
    document_id: str,
    source_id: str,
    uri: str,
    licence: str,
    language: str,
) -> CaseReport:
    """The case report in one article's bytes (JATS or journal HTML); RecordError when it cannot be
    read, has no title, or is not a case report. The stage and `medforge extract case-reports` both
    go through here, so they accept and refuse the same articles."""
    parts = parse_article(data, media_type, uri)
    if not parts.title:
        raise RecordError(ReasonCode.MISSING_FIELD, "article has no title")
    report = build_case_report(parts, document_id, source_id, uri, licence, language)
    if not is_case_report(parts, report.case_presentation):
        raise RecordError(
            ReasonCode.NOT_A_CASE_REPORT,
            f"article type '{parts.article_type}' and no case-presentation section",
        )
    return report


def _reject(doc: SourceDocument, code: str, message: str) -> Rejection:
    """The document that gave no case report, under the id its report would have had."""
    return Rejection.of(
        Stage.EXTRACT, case_record_id(doc.document_id), "CaseReport", code, message, uri=doc.uri, payload=doc
    )


def extract_case_reports(
    spec: BenchmarkSpec, documents: Sequence[SourceDocument], raw_store: Path
) -> StageResult[CaseReport]:
    """Case reports from every case-report document of the spec; the chain's case-report entry point."""
    raw_store = Path(raw_store)
    case_kinds = kinds_read_by(Extractor.CASE_REPORTS)
    sources = {s.id: s for s in spec.sources if s.kind in case_kinds}
    records: list[CaseReport] = []
    rejections: list[Rejection] = []
    records_in = 0
    expanded = 0
    for doc in sorted(documents, key=lambda d: (d.source_id, d.uri)):
        source = sources.get(doc.source_id)
        if source is None:
            continue
        if doc.media_type == "application/pdf" or doc.media_type.startswith("image/"):
            continue  # PDFs and images of a case-report source are the figure extractor's input
        records_in += 1
        try:
            data = (raw_store / doc.raw_path).read_bytes()
            patients = case_reports_of_article(
                data, doc.media_type, doc.document_id, doc.source_id, doc.uri, doc.licence, source.language
            )
            records.extend(patients)
            expanded += len(patients) - 1  # a multi-patient article gives one record per patient
        except RecordError as error:
            rejections.append(_reject(doc, error.reason_code, str(error)))
        except OSError as error:
            rejections.append(_reject(doc, ReasonCode.FETCH_FAILED, f"raw bytes unreadable: {error}"))
    found = Counter(r.diagnosis_found_in.split(":")[0] for r in records if r.diagnosis_found_in)
    return StageResult(
        stage=Stage.EXTRACT,
        records=records,
        rejections=rejections,
        records_in=records_in,
        expanded=expanded,
        metadata={
            "with_case_presentation": sum(r.case_presentation is not None for r in records),
            "multi_patient_records": sum(r.patient is not None for r in records),
            "with_diagnosis": sum(r.diagnosis is not None for r in records),
            "diagnosis_found_in": dict(sorted(found.items())),
            "figures": sum(len(r.figures) for r in records),
        },
    )

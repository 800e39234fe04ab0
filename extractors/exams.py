"""The exam extraction stage: question pages, exam-paper PDFs (+ answer keys) and collections.

Documents of exam sources (kinds the registry gives to this extractor, or any source whose options
name an `exam`) are its input; other documents are not counted. One input unit (a page, a collection file,
a paper with its answer key) can give many questions: `expanded` says how many more than one.
Annulled questions and those that need an image are kept and flagged; synthesis decides.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from extractors.exam_collection import read_collection, read_key_file
from extractors.exam_html import parse_question_page
from extractors.exam_image_files import attach_images
from extractors.exam_pdf import is_answer_key, parse_answer_key_pdf, parse_exam_pdf
from extractors.html_text import decode_html
from schemas import (
    BenchmarkSpec,
    Books,
    ExamQuestion,
    Option,
    ReasonCode,
    RecordError,
    Rejection,
    SourceDocument,
    SourceSpec,
    Stage,
    StageResult,
    content_id,
)
from schemas.dates import parse_iso_date
from schemas.source_kinds import Extractor
from schemas.source_options import ExamOptions

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def exam_options(source: SourceSpec) -> ExamOptions | None:
    """The source's options when this stage reads its documents, else None."""
    options = source.typed_options
    if not isinstance(options, ExamOptions):
        return None
    return options if source.kind_spec.extractor is Extractor.EXAMS or options.exam else None


def is_exam_source(source: SourceSpec) -> bool:
    """Whether this stage reads the source's documents: an exam kind, or options that name an `exam`."""
    return exam_options(source) is not None


def _options(source: SourceSpec) -> ExamOptions:
    options = exam_options(source)
    if options is None:
        raise ValueError(f"source '{source.id}' ({source.kind}) is not read by the exam extractor")
    return options


def _record_id(document_id: str, locator: Any) -> str:
    return "exq-" + content_id([document_id, locator])


def _reject(
    doc: SourceDocument,
    code: str,
    message: str,
    locator: Any = None,
    where: str | None = None,
    payload: Any = None,
) -> Rejection:
    """A whole document (no locator) or one question of it (`where` says where, `payload` what it held)."""
    if locator is None:
        return Rejection.of(
            Stage.EXTRACT,
            _record_id(doc.document_id, "document"),
            "SourceDocument",
            code,
            message,
            uri=doc.uri,
            payload=doc,
        )
    return Rejection.of(
        Stage.EXTRACT,
        _record_id(doc.document_id, locator),
        "ExamQuestion",
        code,
        message,
        uri=doc.uri,
        locator=where or f"question {locator}",
        payload=payload,
    )


def _question(
    doc: SourceDocument,
    source: SourceSpec,
    locator: Any,
    *,
    exam: str,
    number: int | None,
    stem: str,
    options: list[tuple[str, str]],
    answers: list[str],
    explanation: str | None = None,
    annulled: bool = False,
    needs_image: bool = False,
    labels: list[str] | None = None,
    edition_year: int | None = None,
    edition_session: str | None = None,
    published: dt.date | None = None,
    uri: str | None = None,
    language: str | None = None,
    image_evidence: str | None = None,
    image_refs: list[str] | None = None,
    depends_on_previous: bool = False,
    answer_note: str | None = None,
    where: str | None = None,
    raw_row: str | None = None,
) -> ExamQuestion:
    if not stem.strip():
        raise RecordError(
            ReasonCode.MISSING_FIELD, f"question {number if number is not None else locator}: no stem"
        )
    return ExamQuestion(
        record_id=_record_id(doc.document_id, locator),
        document_id=doc.document_id,
        source_id=doc.source_id,
        uri=uri or doc.uri,
        exam=exam,
        edition_year=edition_year if edition_year is not None else doc.edition_year,
        edition_session=edition_session if edition_session is not None else doc.edition_session,
        published=published or doc.source_release_date,
        number=number,
        language=language or source.language,
        stem=stem.strip(),
        options=[Option(label=label, text=text) for label, text in options],
        answers=list(answers),
        explanation=explanation,
        annulled=annulled,
        needs_image=needs_image,
        source_labels=list(labels or []),
        licence=doc.licence,
        image_evidence=image_evidence or ("the source marks it" if needs_image else None),
        image_refs=list(image_refs or []),
        depends_on_previous=depends_on_previous,
        answer_note=answer_note,
        locator=where,
        raw_row=raw_row,
    )


def _emit(
    books: Books[ExamQuestion],
    doc: SourceDocument,
    build: list[tuple[Any, dict[str, Any]]],
    source: SourceSpec,
    bad_rows: Sequence[Rejection] = (),
) -> None:
    """Build every question of one unit and book them with its bad rows; a question that cannot be built
    is a rejection carrying the fields it had."""
    records: list[ExamQuestion] = []
    rejections: list[Rejection] = []
    for locator, fields in build:
        try:
            records.append(_question(doc, source, locator, **fields))
        except RecordError as error:
            where = fields.get("where")
            payload = (
                {**fields, "raw_row": json.loads(fields["raw_row"])} if fields.get("raw_row") else fields
            )
            rejections.append(_reject(doc, error.reason_code, str(error), locator, where, payload=payload))
    books.book(records, [*rejections, *bad_rows])


def _html(
    books: Books[ExamQuestion], doc: SourceDocument, source: SourceSpec, data: bytes, exam: str
) -> None:
    html = decode_html(data, doc.media_type)
    questions = parse_question_page(html, _options(source))
    if not questions:
        raise RecordError(ReasonCode.PARSE_ERROR, "no exam question found on the page")
    build = []
    for index, q in enumerate(questions):
        year = session = None
        if q.edition and "-" in q.edition and doc.edition_year is None:
            head, _, tail = q.edition.partition("-")
            year, session = (int(head) if head.isdigit() else None), tail or None
        build.append(
            (
                q.number if q.number is not None else index,
                {
                    "exam": exam,
                    **q.content(),
                    "edition_year": year,
                    "edition_session": session,
                },
            )
        )
    _emit(books, doc, build, source)


def _collection(
    books: Books[ExamQuestion],
    doc: SourceDocument,
    source: SourceSpec,
    data: bytes,
    exam: str,
    answer_key: dict[str, Any] | None = None,
) -> None:
    collection = read_collection(
        data, doc.media_type, doc.uri, _options(source), language=source.language, answer_key=answer_key
    )
    if not collection.questions:
        bad = f" ({len(collection.bad_rows)} rows are not records of fields)" if collection.bad_rows else ""
        raise RecordError(ReasonCode.PARSE_ERROR, "the field mapping found no question rows" + bad)
    build = [
        (
            q.key,
            {
                "exam": collection.exam if collection.exam and not _options(source).exam else exam,
                **q.content(),
                "edition_year": q.edition_year if q.edition_year is not None else collection.edition_year,
                "edition_session": q.edition_session or collection.edition_session,
                "published": parse_iso_date(q.published or collection.published),
                "uri": collection.uri,
                "language": q.language,
            },
        )
        for q in collection.questions
    ]
    bad_rows = [  # part of the same unit: each is one more output
        _reject(doc, ReasonCode.PARSE_ERROR, message, f"row-{index}", f"row {index + 1}", {"row": row})
        for index, message, row in collection.bad_rows
    ]
    _emit(books, doc, build, source, bad_rows)


def _pdf_pair(
    books: Books[ExamQuestion],
    paper: SourceDocument,
    key: SourceDocument | None,
    source: SourceSpec,
    raw_store: Path,
    exam: str,
) -> None:
    questions = parse_exam_pdf((raw_store / paper.raw_path).read_bytes())
    answers = parse_answer_key_pdf((raw_store / key.raw_path).read_bytes()) if key is not None else {}
    build = []
    for index, q in enumerate(questions):
        number = q.number if q.number is not None else index + 1
        entry = answers.get(number, [])
        build.append(
            (
                number,
                {
                    "exam": exam,
                    "number": q.number,
                    "stem": q.stem,
                    "options": q.options,
                    "answers": entry or [],
                    "annulled": number in answers and entry is None,
                    "needs_image": False,
                },
            )
        )
    _emit(books, paper, build, source)


def _is_key_file(doc: SourceDocument, options: ExamOptions) -> bool:
    """Whether the document is an answer-key file of a collection (its `answer_key.files` glob)."""
    pattern = options.answer_key.files if options.answer_key else None
    return bool(pattern) and (fnmatch.fnmatch(doc.uri, pattern) or fnmatch.fnmatch(doc.uri, f"*/{pattern}"))


def _answer_keys(
    books: Books[ExamQuestion], docs: list[SourceDocument], source: SourceSpec, raw_store: Path
) -> dict[str, Any]:
    """Every key file of a source read into one {join key: answer}; unreadable files are rejections
    (each key file is an input the stage consumes into the questions it answers)."""
    answers: dict[str, Any] = {}
    for doc in docs:
        try:
            found, bad = read_key_file(
                (raw_store / doc.raw_path).read_bytes(), doc.media_type, doc.uri, _options(source)
            )
        except RecordError as error:
            books.reject(_reject(doc, error.reason_code, f"answer key: {error}"))
            continue
        except OSError as error:
            books.reject(_reject(doc, ReasonCode.FETCH_FAILED, f"raw bytes unreadable: {error}"))
            continue
        answers.update(found)
        books.book(
            rejections=[
                _reject(doc, ReasonCode.PARSE_ERROR, message, f"key-row-{i}", f"row {i + 1}", {"row": row})
                for i, message, row in bad
            ]
        )
    return answers


def _edition_key(doc: SourceDocument) -> tuple[Any, ...]:
    return (doc.source_id, doc.edition_year, doc.edition_session)


def _with_image_files(
    spec: BenchmarkSpec, sources: dict[str, Any], records: list[ExamQuestion], image_dir: Path
) -> list[ExamQuestion]:
    """Records with the image files of their source's `image_root` attached, order kept."""
    roots = {
        source_id: spec.resolve(root)
        for source_id, source in sources.items()
        if (root := getattr(_options(source), "image_root", None))
    }
    if not roots:
        return records
    return [attach_images(q, roots[q.source_id], image_dir) if q.source_id in roots else q for q in records]


def extract_exam_questions(
    spec: BenchmarkSpec,
    documents: Sequence[SourceDocument],
    raw_store: Path,
    image_dir: Path | None = None,
) -> StageResult[ExamQuestion]:
    """Exam questions from every exam document of the spec; the chain's exam entry point.

    With `image_dir`, the image files a source's `image_root` holds are attached to the questions that
    name them (copied into `image_dir`, where the release writer finds them)."""
    raw_store = Path(raw_store)
    sources = {s.id: s for s in spec.sources if is_exam_source(s)}
    books: Books[ExamQuestion] = Books(Stage.EXTRACT)
    by_source: Counter[str] = Counter()
    papers: list[SourceDocument] = []
    keys: list[SourceDocument] = []
    ordered = sorted(documents, key=lambda d: (d.source_id, d.uri))
    key_files: dict[str, list[SourceDocument]] = defaultdict(list)
    for doc in ordered:
        source = sources.get(doc.source_id)
        if source is not None and _is_key_file(doc, _options(source)):
            key_files[source.id].append(doc)
    answer_keys = {
        source_id: _answer_keys(books, docs, sources[source_id], raw_store)
        for source_id, docs in key_files.items()
    }
    key_uris = {(d.source_id, d.uri) for docs in key_files.values() for d in docs}
    for doc in ordered:
        source = sources.get(doc.source_id)
        if source is None:
            continue
        by_source[source.id] += 1
        if (doc.source_id, doc.uri) in key_uris:
            continue  # booked with the key it holds
        exam = _options(source).exam or source.id
        try:
            if doc.media_type == "application/pdf":
                (keys if is_answer_key(doc.uri, doc.title) else papers).append(doc)
                continue
            data = (raw_store / doc.raw_path).read_bytes()
            if doc.media_type in HTML_TYPES:
                _html(books, doc, source, data, exam)
            else:
                _collection(books, doc, source, data, exam, answer_keys.get(source.id))
        except RecordError as error:
            books.reject(_reject(doc, error.reason_code, str(error)))
        except OSError as error:
            books.reject(_reject(doc, ReasonCode.FETCH_FAILED, f"raw bytes unreadable: {error}"))
    keys_by_edition: dict[tuple[Any, ...], list[SourceDocument]] = defaultdict(list)
    for key in keys:
        keys_by_edition[_edition_key(key)].append(key)
    used: set[str] = set()
    for paper in papers:
        candidates = [k for k in keys_by_edition.get(_edition_key(paper), []) if k.uri not in used]
        key = candidates[0] if candidates else None
        if key is not None:
            used.add(key.uri)
        try:
            _pdf_pair(
                books,
                paper,
                key,
                sources[paper.source_id],
                raw_store,
                _options(sources[paper.source_id]).exam or paper.source_id,
            )
        except RecordError as error:
            books.reject(_reject(paper, error.reason_code, str(error)))
    for key in keys:
        if key.uri not in used:
            books.reject(
                _reject(key, ReasonCode.MISSING_FIELD, "answer key without an exam paper of the same edition")
            )
    records = sorted(books.records, key=lambda q: (q.source_id, q.uri))  # stable: page/file order kept
    if image_dir is not None:
        records = _with_image_files(spec, sources, records, Path(image_dir))
    rejections = sorted(books.rejections, key=lambda r: (r.source_uri or "", r.record_id))
    # every exam document is one input unit, except that an answer key joins the paper it belongs to
    return books.result(
        sum(by_source.values()) - len(used),
        records,
        rejections,
        metadata={
            "documents_by_source": dict(sorted(by_source.items())),
            "annulled": sum(q.annulled for q in records),
            "needs_image": sum(q.needs_image for q in records),
            "with_image_files": sum(bool(q.images) for q in records),
            "answer_keys_paired": len(used),
        },
    )

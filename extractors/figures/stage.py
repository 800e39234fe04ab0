"""The figures stage: source documents (PDFs) in, `schemas.Figure` records and rejections out."""

from __future__ import annotations

import pathlib
from collections.abc import Sequence

from extractors.figures.extract import DEFAULT_DPI, DocumentFigures, ExtractedFigure, extract_figures_from_pdf
from extractors.figures.pdf import Limits
from schemas import (
    BenchmarkSpec,
    Books,
    Figure,
    ReasonCode,
    RecordError,
    Rejection,
    SourceDocument,
    Stage,
    StageResult,
    content_id,
)
from schemas.progress import track

PDF_MEDIA_TYPE = "application/pdf"


def to_figure(doc: SourceDocument, found: ExtractedFigure, language: str) -> Figure:
    """An extracted figure with its document's provenance, licence and a content-derived id."""
    record_id = "fig-" + content_id(
        {"document": doc.document_id, "page": found.page, "label": found.label, "image": found.image_sha256}
    )
    return Figure(
        record_id=record_id,
        document_id=doc.document_id,
        source_id=doc.source_id,
        uri=doc.uri,
        page=found.page,
        bbox=list(found.bbox),
        label=found.label,
        caption=found.caption,
        image_path=found.image_path,
        image_sha256=found.image_sha256,
        panels=list(found.panels),
        context=list(found.context),
        quality=found.quality,
        licence=doc.licence,
        language=language,
        published=doc.source_release_date,
    )


def figure_settings(spec: BenchmarkSpec, source_id: str) -> tuple[str, int]:
    """The language and rendering dpi of a source's figures (the whole stage and the one-document
    asset render alike, so both write the same content-addressed images)."""
    source = next((s for s in spec.sources if s.id == source_id), None)
    if source is None:
        return "en", DEFAULT_DPI
    return source.language, source.typed_options.figure_dpi or DEFAULT_DPI


def read_pdf_figures(
    path: pathlib.Path, image_dir: pathlib.Path, dpi: int = DEFAULT_DPI, limits: Limits | None = None
) -> DocumentFigures:
    """The figures of one PDF file; every failure is a RecordError (a bug or a library failure on one
    document is `internal_error`, so it never stops the rest). The stage and `medforge extract
    figures` both read PDFs here."""
    try:
        return extract_figures_from_pdf(path, image_dir, dpi=dpi, limits=limits)
    except RecordError:
        raise
    except Exception as error:
        raise RecordError(ReasonCode.INTERNAL_ERROR, f"{type(error).__name__}: {error}") from None


def figures_of_document(
    doc: SourceDocument,
    raw_store: pathlib.Path,
    image_dir: pathlib.Path,
    language: str = "en",
    dpi: int = DEFAULT_DPI,
    limits: Limits | None = None,
) -> tuple[list[Figure], Rejection | None, DocumentFigures | None]:
    """One PDF document's figures, or the rejection that says why it has none to give."""
    try:
        found = read_pdf_figures(pathlib.Path(raw_store) / doc.raw_path, image_dir, dpi=dpi, limits=limits)
    except RecordError as error:
        return [], _rejection(doc, error.reason_code, str(error)), None
    figures = sorted(
        (to_figure(doc, f, language) for f in found.figures), key=lambda f: (f.page, f.bbox[1], f.bbox[0])
    )
    return figures, None, found


def _rejection(doc: SourceDocument, reason: str, message: str) -> Rejection:
    return Rejection.of(
        Stage.EXTRACT, doc.document_id, "SourceDocument", reason, message, uri=doc.uri, payload=doc
    )


def extract_figures(
    spec: BenchmarkSpec,
    documents: Sequence[SourceDocument],
    raw_store: pathlib.Path,
    image_dir: pathlib.Path,
) -> StageResult[Figure]:
    """Figures from every PDF among `documents`; other media types are not this stage's input.

    Books: records_in is the number of PDFs; each is booked with the figures it gave or its one
    rejection, so a PDF of N figures expands by N - 1 and one without figures by -1.
    """
    pdfs = sorted((d for d in documents if d.media_type == PDF_MEDIA_TYPE), key=lambda d: d.document_id)
    books: Books[Figure] = Books(Stage.EXTRACT)
    per_document: dict[str, dict] = {}
    pages = 0
    seconds = 0.0
    for doc in track(pdfs, "figures", unit="PDFs"):
        language, dpi = figure_settings(spec, doc.source_id)
        figures, rejection, found = figures_of_document(doc, raw_store, image_dir, language=language, dpi=dpi)
        books.book(figures, [rejection] if rejection is not None else [])
        if rejection is not None:
            per_document[doc.document_id] = {"rejected": rejection.reason_code}
        if found is not None:
            counts = found.counts()
            pages += found.pages
            seconds += found.seconds
            per_document[doc.document_id] = {**counts, "unpaired_caption_labels": found.unpaired_captions}
    metadata = {
        "documents": len(pdfs),
        "pages": pages,
        "figures": len(books.records),
        "captions": sum(d.get("captions", 0) for d in per_document.values()),
        "unpaired_figures": sum(d.get("unpaired_figures", 0) for d in per_document.values()),
        "unpaired_captions": sum(d.get("unpaired_captions", 0) for d in per_document.values()),
        "documents_without_figures": sum(1 for d in per_document.values() if d.get("figures") == 0),
        "pages_per_second": round(pages / seconds, 2) if seconds else None,
        "per_document": per_document,
    }
    return books.result(len(pdfs), metadata=metadata)

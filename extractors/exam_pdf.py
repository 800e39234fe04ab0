"""Exam-paper PDFs and their separate answer keys: text with PyMuPDF, then the text-layout parser."""

from __future__ import annotations

import re

from extractors.exam_text import TextQuestion, parse_answer_key, parse_questions_text
from schemas import ReasonCode, RecordError

ANSWER_KEY_NAME = re.compile(r"(?i)(gabarito|answer[-_ ]?key|answers|cl[ée]s?|corrig[ée]|respostas|key)")


def pdf_text(data: bytes) -> str:
    """The text of a PDF in reading order; raises RecordError for bytes that are not a readable PDF."""
    import pymupdf

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise RecordError(ReasonCode.CORRUPT_DOCUMENT, "not a PDF")
    try:
        with pymupdf.open(stream=data, filetype="pdf") as document:
            if document.needs_pass:
                raise RecordError(ReasonCode.ENCRYPTED_DOCUMENT, "PDF is encrypted")
            return "\n".join(page.get_text("text", sort=True) for page in document)
    except RecordError:
        raise
    except Exception as error:  # PyMuPDF raises its own error types for broken files
        raise RecordError(ReasonCode.CORRUPT_DOCUMENT, f"cannot open PDF: {error}") from None


def is_answer_key(uri: str, title: str | None = None, text: str | None = None) -> bool:
    """Whether a document is an answer key: by its name, else by a text that is mostly 'n X' pairs."""
    name = uri.rsplit("/", 1)[-1]
    if ANSWER_KEY_NAME.search(name) or (title and ANSWER_KEY_NAME.search(title)):
        return True
    if text:
        key = parse_answer_key(text)
        return len(key) >= 5 and not parse_questions_text(text)[:1]
    return False


def parse_exam_pdf(data: bytes) -> list[TextQuestion]:
    """Numbered questions with options from an exam paper PDF."""
    questions = parse_questions_text(pdf_text(data))
    if not questions:
        raise RecordError(ReasonCode.PARSE_ERROR, "no numbered questions found in the PDF")
    return questions


def parse_answer_key_pdf(data: bytes) -> dict[int, list[str] | None]:
    """Question number -> answers (None = annulled) from an answer-key PDF."""
    key = parse_answer_key(pdf_text(data))
    if not key:
        raise RecordError(ReasonCode.PARSE_ERROR, "no answer-key entries found in the PDF")
    return key

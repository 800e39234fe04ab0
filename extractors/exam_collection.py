"""Exam collections that already exist as JSON, JSONL, CSV or XLSX, read through a field mapping.

The mapping lives in the source's `options` (`ExamOptions`), so a team loads a collection without
writing code:

  records: questions            # dotted path to the list in a JSON file (default: the top-level list)
  fields: {stem: stem, options: options, answers: correct, number: number, annulled: annulled,
           needs_image: hasImage, source_labels: specialty, explanation: ..., id: id}
  option_columns: [A, B, C, D]  # CSV/XLSX: option texts in columns (or {label: column})
  document_fields: {edition_year: year, published: publishedAt, uri: source, edition: id}
  edition_pattern: '(?P<year>\\d{4})-(?P<session>\\d+)$'   # on the `edition` field or the file name
Field paths are dotted ('meta.year'); options may be a {label: text} mapping, a list of texts or a
list of {label, text}; answers a label, 'A,C', a list of labels or an option index.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zipfile import BadZipFile

from extractors.exam_text import ParsedQuestion, normalise_label
from schemas import ReasonCode, RecordError
from schemas.source_options import ExamOptions

_TRUE = {"true", "1", "yes", "sim", "oui", "y"}


@dataclass
class CollectionQuestion(ParsedQuestion):
    """One question of a collection, fields as mapped, with its row index and id."""

    index: int = field(kw_only=True)
    key: str = field(kw_only=True)


@dataclass
class CollectionFile:
    """What a collection file says about itself, and its questions."""

    edition_year: int | None = None
    edition_session: str | None = None
    published: str | None = None
    uri: str | None = None
    exam: str | None = None
    questions: list[CollectionQuestion] = field(default_factory=list)
    bad_rows: list[tuple[int, str, Any]] = field(default_factory=list)  # (index, message, the raw row)


def get_path(data: Any, path: str | None) -> Any:
    """data['a']['b'] for 'a.b'; list indexes allowed; '' is data itself; None when missing."""
    if path is None:
        return None
    if path == "":
        return data
    current = data
    for step in str(path).split("."):
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            return None
        if current is None:
            return None
    return current


def _rows(data: bytes, media_type: str, name: str) -> tuple[Any, list[dict[str, Any]]]:
    """(document-level object or None, list of row dicts) for each file format."""
    lower = name.lower()
    if media_type == "application/x-ndjson" or lower.endswith(".jsonl"):
        text = data.decode("utf-8-sig")
        return None, [json.loads(line) for line in text.splitlines() if line.strip()]
    if media_type == "application/json" or lower.endswith(".json"):
        return json.loads(data.decode("utf-8-sig")), []
    if media_type in ("text/csv", "text/tab-separated-values") or lower.endswith((".csv", ".tsv")):
        text = data.decode("utf-8-sig")
        dialect = "excel-tab" if lower.endswith(".tsv") else "excel"
        return None, list(csv.DictReader(io.StringIO(text), dialect=dialect))
    if lower.endswith(".xlsx") or "spreadsheetml" in media_type:
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            workbook.close()
        except Exception as error:  # openpyxl raises zip, XML and its own errors for a broken workbook
            raise ValueError(f"not a readable XLSX workbook ({type(error).__name__}: {error})") from None
        if not rows:
            return None, []
        header = [str(h).strip() if h is not None else f"col{i}" for i, h in enumerate(rows[0])]
        return None, [
            dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)
        ]
    raise RecordError(ReasonCode.UNSUPPORTED_MEDIA, f"not a collection format: {media_type} ({name})")


def _options(value: Any, row: dict[str, Any], option_columns: Any) -> list[tuple[str, str]]:
    if option_columns:
        columns = (
            option_columns.items() if isinstance(option_columns, dict) else ((c, c) for c in option_columns)
        )
        return [
            (normalise_label(str(label)), str(row.get(column)).strip())
            for label, column in columns
            if row.get(column) not in (None, "")
        ]
    if isinstance(value, dict):
        return [(normalise_label(str(k)), str(v).strip()) for k, v in value.items() if v not in (None, "")]
    if isinstance(value, list):
        parsed = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                label = entry.get("label") or entry.get("key") or chr(ord("A") + index)
                parsed.append(
                    (normalise_label(str(label)), str(entry.get("text", entry.get("value", ""))).strip())
                )
            else:
                parsed.append((chr(ord("A") + index), str(entry).strip()))
        return parsed
    return []


def _answers(value: Any, labels: list[str]) -> list[str]:
    if value is None or value == "":
        return []
    values = value if isinstance(value, list) else re.split(r"[\s,;/&|]+", str(value).strip())
    answers = set()
    for item in values:
        if isinstance(item, int) and not isinstance(item, bool) and labels:
            if 0 <= item < len(labels):
                answers.add(labels[item])
            continue
        text = str(item).strip()
        if text:
            answers.add(normalise_label(text))
    return sorted(answers)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE if value is not None else False


def _labels(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value).strip()]


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def read_collection(data: bytes, media_type: str, name: str, options: ExamOptions) -> CollectionFile:
    """Parse one collection file with the source's field mapping; raises RecordError if unreadable."""
    try:
        document, rows = _rows(data, media_type, name)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        csv.Error,
        ValueError,
        KeyError,
        OSError,
        BadZipFile,
    ) as error:
        code = ReasonCode.DECODE_ERROR if isinstance(error, UnicodeDecodeError) else ReasonCode.PARSE_ERROR
        raise RecordError(code, f"cannot read {name}: {error}") from None
    if document is not None:
        found = get_path(document, options.records or "")
        if isinstance(found, list):
            rows = found
        elif isinstance(found, dict):
            lists = [v for v in found.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
            rows = lists[0] if lists else []
        else:
            rows = []
    fields = options.fields.model_dump()
    doc_fields = options.document_fields.model_dump()
    result = CollectionFile()
    if isinstance(document, dict):

        def doc_field(name: str) -> Any:
            path = doc_fields.get(name)
            return get_path(document, path) if path else None

        result.edition_year = _int(doc_field("edition_year"))
        session = doc_field("edition_session")
        result.edition_session = str(session) if session is not None else None
        published = doc_field("published")
        result.published = str(published) if published else None
        uri = doc_field("uri")
        result.uri = str(uri) if uri else None
        exam = doc_field("exam")
        result.exam = str(exam) if exam else None
        edition_text = doc_field("edition")
    else:
        edition_text = None
    pattern = options.edition_pattern
    if pattern:
        match = re.search(pattern, str(edition_text or re.sub(r"\.[^.]+$", "", name.rsplit("/", 1)[-1])))
        if match:
            groups = match.groupdict()
            result.edition_year = result.edition_year or _int(groups.get("year"))
            result.edition_session = result.edition_session or groups.get("session")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            result.bad_rows.append(
                (index, f"row {index} is a {type(row).__name__}, not a record of fields", row)
            )
            continue
        options_list = _options(get_path(row, fields["options"]), row, options.option_columns)
        labels = [label for label, _ in options_list]
        key = get_path(row, fields["id"])
        stem = get_path(row, fields["stem"])
        explanation = get_path(row, fields["explanation"])
        result.questions.append(
            CollectionQuestion(
                index=index,
                key=str(key) if key not in (None, "") else str(index),
                number=_int(get_path(row, fields["number"])),
                stem=str(stem).strip() if stem not in (None, "") else "",
                options=options_list,
                answers=_answers(get_path(row, fields["answers"]), labels),
                explanation=str(explanation).strip() if explanation not in (None, "") else None,
                annulled=_flag(get_path(row, fields["annulled"])),
                needs_image=_flag(get_path(row, fields["needs_image"])),
                labels=_labels(get_path(row, fields["source_labels"])),
            )
        )
    return result

"""Exam collections that already exist as JSON, JSONL, CSV, XLSX or JS/TS literals, read through a mapping.

The mapping lives in the source's `options` (`ExamOptions`), so a team loads a collection without
writing code:

  records: questions            # dotted path to the rows in a JSON/JS file (default: found)
  records_orient: auto          # rows | columns ({field: {row: value}}) | keyed ({id: row}) | auto
  js_variable: questionData     # .js/.ts: the variable holding the data (default the largest literal)
  fields: {stem: stem, options: options, answers: correct, number: number, annulled: annulled,
           needs_image: hasImage, images: image_url, source_labels: specialty, explanation: ..., id: id,
           edition_year: year, edition_session: session, edition: file_name, language: lang}
  option_columns: [A, B, C, D]  # CSV/XLSX: option texts in columns (or {label: column}, or 'option_*')
  document_fields: {edition_year: year, published: publishedAt, uri: source, edition: id}
  edition_pattern: '(?P<year>\\d{4})-(?P<session>\\d+)$'   # on the edition text, file name or path
  year_calendar: roc            # years read are ROC years (108 = 2019)
  answer_format: auto           # label | index | text; answer_index_base: 0 | 1
  answer_key: {files: '*answers*', join: id, key: idx, answers: answer}
  value_maps: {edition_year: {'1': 2012}}

Field paths are dotted ('meta.year'); a key that itself contains dots is found as written, or with the
dots escaped ('option\\.A'). Rows from an object keyed by id or session carry the key as `_key`, rows
of a workbook their sheet as `_sheet`, and every row `_row` (its position): mappings may name them.
Options may be a {label: text} mapping, a list of texts (labels inside them are read: '(A)foo'), a list
of {label, text}, one string holding them all ('A 原发病\\nB …', 'A) foo B) bar'), or sit inside the
stem. Answers: a label, 'A,C', 'ACD', 'a or d', a list of labels, an index, the option text, a number
for a fill-in question, or a marker of an annulled question ('invalid', 'anulada').
"""

from __future__ import annotations

import csv
import datetime as dt
import fnmatch
import io
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zipfile import BadZipFile

from extractors.exam_answers import read_answer
from extractors.exam_images import depends_on_previous, image_phrase
from extractors.exam_option_text import labelled_entries, split_option_text
from extractors.exam_text import ParsedQuestion, normalise_label
from schemas import ReasonCode, RecordError
from schemas.ids import canonical_json
from schemas.source_options import CALENDARS, ExamOptions
from textkit import detect_language, language_matches

_TRUE = {"true", "1", "yes", "sim", "oui", "y", "ja", "sí", "si", "tak", "да", "是", "有", "はい"}
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".jsx", ".tsx")
JS_TYPES = frozenset({"text/javascript", "application/javascript", "application/typescript"})
_ASSIGNMENT = re.compile(r"(?<![=!<>])=(?![=>])\s*(?=[\[{])")


@dataclass
class CollectionQuestion(ParsedQuestion):
    """One question of a collection, fields as mapped, with its row index, id and where it sits."""

    index: int = field(kw_only=True)
    key: str = field(kw_only=True)
    locator: str = field(kw_only=True, default="")
    raw_row: str | None = field(kw_only=True, default=None)
    edition_year: int | None = field(kw_only=True, default=None)
    edition_session: str | None = field(kw_only=True, default=None)
    published: str | None = field(kw_only=True, default=None)
    language: str | None = field(kw_only=True, default=None)
    image_evidence: str | None = field(kw_only=True, default=None)
    image_refs: list[str] = field(kw_only=True, default_factory=list)
    depends_on_previous: bool = field(kw_only=True, default=False)
    answer_note: str | None = field(kw_only=True, default=None)
    annulled_reason: str | None = field(kw_only=True, default=None)

    def content(self) -> dict[str, object]:
        """The fields the exam stage builds an ExamQuestion from."""
        return {
            **super().content(),
            "image_evidence": self.image_evidence,
            "image_refs": self.image_refs,
            "depends_on_previous": self.depends_on_previous,
            "answer_note": self.answer_note or self.annulled_reason,
            "where": self.locator,
            "raw_row": self.raw_row,
        }


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


def _path_steps(path: str) -> list[str]:
    return [step.replace("\\.", ".") for step in re.split(r"(?<!\\)\.", path)]


def get_path(data: Any, path: str | None) -> Any:
    """data['a']['b'] for 'a.b'; list indexes allowed; '' is data itself; None when missing.

    A key spelt with dots ('option.A') is found as written before the path is split; 'option\\.A'
    escapes the dot."""
    if path is None:
        return None
    if path == "":
        return data
    if isinstance(data, dict) and path in data:
        return data[path]
    current = data
    for step in _path_steps(str(path)):
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            return None
        if current is None:
            return None
    return current


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def js_literal(text: str, variable: str | None = None) -> Any:
    """The data a JavaScript/TypeScript file assigns: to `variable` (its last dotted part, so
    'window.quizData.retina2017' works), or else the largest literal assigned in the file."""
    import chompjs

    def parse_at(position: int) -> Any:
        return chompjs.parse_js_object(text[position:], json_params={"strict": False})

    if variable:
        name = re.escape(variable.rsplit(".", 1)[-1])
        pattern = re.compile(rf"(?<![\w$]){name}\s*(?::[^=;]*?)?(?<![=!<>])=(?![=>])\s*(?=[\[{{])")
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"no literal is assigned to '{variable}'")
        return parse_at(match.end())
    best: Any = None
    best_size = -1
    for match in _ASSIGNMENT.finditer(text):
        try:
            value = parse_at(match.end())
        except ValueError:
            continue
        size = len(json.dumps(value, ensure_ascii=False, default=str))
        if size > best_size:
            best, best_size = value, size
    if best is None:
        best = chompjs.parse_js_object(text, json_params={"strict": False})
    return best


def _csv_rows(text: str, tab: bool) -> list[dict[str, Any]]:
    first = text.split("\n", 1)[0]
    if tab:
        return list(csv.DictReader(io.StringIO(text), dialect="excel-tab"))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes, sheets: list[str] | None) -> list[dict[str, Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        out: list[dict[str, Any]] = []
        names = workbook.sheetnames
        wanted = [s for s in names if sheets is None or s in sheets]
        if sheets is not None and len(wanted) < len(sheets):
            missing = sorted(set(sheets) - set(names))
            raise ValueError(f"no sheet {missing} (sheets: {names})")
        for name in wanted:
            rows = list(workbook[name].iter_rows(values_only=True))
            if not rows:
                continue
            header = [str(h).strip() if h is not None else f"col{i}" for i, h in enumerate(rows[0])]
            for row in rows[1:]:
                if any(v is not None and str(v).strip() for v in row):
                    record = dict(zip(header, row, strict=False))
                    if len(names) > 1:
                        record["_sheet"] = name
                    out.append(record)
        workbook.close()
    except ValueError as error:
        if "no sheet" in str(error):
            raise
        raise ValueError(f"not a readable XLSX workbook ({type(error).__name__}: {error})") from None
    except Exception as error:  # openpyxl raises zip, XML and its own errors for a broken workbook
        raise ValueError(f"not a readable XLSX workbook ({type(error).__name__}: {error})") from None
    return out


def _rows(data: bytes, media_type: str, name: str, options: ExamOptions) -> tuple[Any, list[Any]]:
    """(document-level object or None, list of rows) for each file format."""
    lower = name.lower()
    if media_type == "application/x-ndjson" or lower.endswith(".jsonl"):
        return None, [json.loads(line) for line in _text(data).splitlines() if line.strip()]
    if media_type == "application/json" or lower.endswith(".json"):
        return json.loads(_text(data)), []
    if media_type in JS_TYPES or lower.endswith(JS_SUFFIXES):
        return js_literal(_text(data), options.js_variable), []
    if media_type in ("text/csv", "text/tab-separated-values") or lower.endswith((".csv", ".tsv")):
        return None, _csv_rows(_text(data), lower.endswith(".tsv") or media_type.endswith("separated-values"))
    if lower.endswith(".xlsx") or "spreadsheetml" in media_type:
        return None, _xlsx_rows(data, options.sheets)
    raise RecordError(ReasonCode.UNSUPPORTED_MEDIA, f"not a collection format: {media_type} ({name})")


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _columns_to_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """pandas-style {field: {row: value}} (or {field: [values]}) as rows."""
    keys: list[str] = []
    for column in found.values():
        for key in column if isinstance(column, dict) else range(len(column)):
            if str(key) not in keys:
                keys.append(str(key))
    rows = []
    for key in keys:
        row: dict[str, Any] = {"_key": key}
        for name, column in found.items():
            if isinstance(column, dict):
                row[name] = column.get(key, column.get(int(key)) if key.isdigit() else None)
            else:
                row[name] = column[int(key)] if int(key) < len(column) else None
        rows.append(row)
    return rows


def _keyed_rows(found: dict[str, Any]) -> list[Any]:
    """{key: record} or {key: [records]} as rows, each with its key as `_key`."""
    rows: list[Any] = []
    for key, value in found.items():
        for entry in value if isinstance(value, list) else [value]:
            rows.append({**entry, "_key": str(key)} if isinstance(entry, dict) else entry)
    return rows


def _as_rows(found: Any, orient: str, stem_field: str | None) -> list[Any]:
    """The rows a JSON/JS value holds, in the shape `orient` names (auto: guessed)."""
    if isinstance(found, list):
        return found
    if not isinstance(found, dict):
        return []
    if orient == "columns":
        return _columns_to_rows(found)
    if orient == "keyed":
        return _keyed_rows(found)
    if isinstance(found.get("columns"), list) and isinstance(found.get("data"), list):  # pandas 'split'
        columns = [str(c) for c in found["columns"]]
        return [dict(zip(columns, row, strict=False)) for row in found["data"] if isinstance(row, list)]
    column_like = [v for v in found.values() if isinstance(v, dict | list)]
    if (
        stem_field
        and stem_field in found
        and len(column_like) == len(found)
        and isinstance(found[stem_field], dict | list)
    ):
        column = found[stem_field]
        if not _is_record_list(column) and not (
            isinstance(column, dict) and any(isinstance(v, dict) for v in column.values())
        ):
            return _columns_to_rows(found)
    lists = [k for k, v in found.items() if _is_record_list(v)]
    if len(lists) == 1:
        return found[lists[0]]
    if lists or (found and all(isinstance(v, list) for v in found.values())):
        return _keyed_rows({k: v for k, v in found.items() if isinstance(v, list)})
    if found and all(isinstance(v, dict) for v in found.values()):
        return _keyed_rows(found)
    return []


def _select_rows(document: Any, path: str | None, orient: str, stem_field: str | None) -> list[Any]:
    """Rows under `path`; a '*' step takes every value of an object (its key kept as `_key`)."""
    if path and "*" in _path_steps(path):
        steps = _path_steps(path)
        star = steps.index("*")
        head = get_path(document, ".".join(steps[:star])) if star else document
        rest = ".".join(steps[star + 1 :])
        rows: list[Any] = []
        items = head.items() if isinstance(head, dict) else enumerate(head or [])
        for key, value in items:
            for row in _as_rows(get_path(value, rest) if rest else value, orient, stem_field):
                rows.append({**row, "_key": str(key)} if isinstance(row, dict) and "_key" not in row else row)
        return rows
    return _as_rows(get_path(document, path or ""), orient, stem_field)


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _column_label(column: str, prefix: str) -> str:
    rest = column[len(prefix) :].strip(" _.-:")
    return normalise_label(rest) if rest else normalise_label(column)


def _common_prefix(columns: list[str]) -> str:
    if len(columns) < 2:
        return ""
    prefix = columns[0]
    for column in columns[1:]:
        while not column.startswith(prefix):
            prefix = prefix[:-1]
    # keep whole words: 'option_A', 'option_B' -> 'option_'
    return prefix if len(prefix) < min(len(c) for c in columns) else ""


def _column_options(row: dict[str, Any], option_columns: Any) -> list[tuple[str, str]]:
    if isinstance(option_columns, str):
        columns = sorted(k for k in row if fnmatch.fnmatchcase(str(k), option_columns))
        pairs = [(c, c) for c in columns]
        prefix = _common_prefix(columns)
        pairs = [(_column_label(c, prefix), c) for c in columns]
    elif isinstance(option_columns, dict):
        pairs = [(normalise_label(str(label)), column) for label, column in option_columns.items()]
    else:
        columns = [str(c) for c in option_columns]
        prefix = _common_prefix(columns)
        pairs = [(_column_label(c, prefix), c) for c in columns]
    return [
        (label, _clean(get_path(row, column))) for label, column in pairs if _present(get_path(row, column))
    ]


def _options(value: Any, row: dict[str, Any], option_columns: Any) -> list[tuple[str, str]]:
    if option_columns:
        return _column_options(row, option_columns)
    if isinstance(value, dict):
        return [(normalise_label(str(k)), _clean(v)) for k, v in value.items() if _present(v)]
    if isinstance(value, list):
        if value and all(isinstance(entry, str) for entry in value):
            labelled = labelled_entries([_clean(entry) for entry in value])
            if labelled:
                return labelled
        parsed = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                label = entry.get("label") or entry.get("key") or chr(ord("A") + index)
                parsed.append(
                    (normalise_label(str(label)), _clean(entry.get("text", entry.get("value", ""))))
                )
            else:
                parsed.append((chr(ord("A") + index), _clean(entry)))
        return parsed
    if isinstance(value, str) and value.strip():
        split = split_option_text(value, require_start=False)
        if split is not None:
            return split.options
    return []


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, list | dict):
        return bool(value)
    return str(value).strip().lower() in _TRUE if _present(value) else False


def _labels(value: Any) -> list[str]:
    if not _present(value):
        return []
    if isinstance(value, list):
        return [_clean(v) for v in value if _present(v)]
    return [_clean(value)]


def image_refs_of(value: Any) -> list[str]:
    """The image paths or URLs a row's image field holds (a string, a list, or objects with a url)."""
    if not _present(value):
        return []
    if isinstance(value, dict):
        value = value.get("url") or value.get("src") or value.get("path") or list(value.values())
    if isinstance(value, list):
        return [r for v in value for r in image_refs_of(v)]
    return [_clean(value)]


def _int(value: Any) -> int | None:
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        match = re.search(r"\d+", str(value)) if value is not None else None
        return int(match.group()) if match else None


def _session(value: Any) -> str | None:
    """A session as text, NFC-normalised so 'jesień' is one session however it was typed."""
    if not _present(value):
        return None
    return _clean(value)


class _Mapper:
    """One file's mapping, with the facts it applies to every row (calendar, value maps, patterns)."""

    def __init__(self, options: ExamOptions, source_language: str, name: str) -> None:
        self.options = options
        self.fields = options.fields.model_dump()
        self.offset = CALENDARS.get(options.year_calendar.lower())
        if self.offset is None:
            raise RecordError(
                ReasonCode.PARSE_ERROR,
                f"unknown year_calendar '{options.year_calendar}'; known: {', '.join(sorted(CALENDARS))}",
            )
        patterns = options.edition_pattern
        self.patterns = [patterns] if isinstance(patterns, str) else list(patterns or [])
        self.source_language = source_language
        self.name = name

    def mapped(self, name: str, row: Any) -> Any:
        path = self.fields.get(name)
        value = get_path(row, path) if path else None
        table = self.options.value_maps.get(name)
        if table is not None and value is not None:
            value = table.get(_clean(value), value)
        return value

    def year(self, value: Any) -> int | None:
        year = _int(value) if _present(value) else None
        if year is None:
            return None
        return year + self.offset if self.offset and year < 1000 else year

    def edition(self, texts: list[str | None]) -> tuple[int | None, str | None, str | None]:
        """(year, session, published) from the first pattern that matches one of `texts`."""
        for text in texts:
            if not text:
                continue
            for pattern in self.patterns:
                match = re.search(pattern, unicodedata.normalize("NFC", text))
                if match:
                    return self._edition_groups(match.groupdict())
        return None, None, None

    def _edition_groups(self, groups: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
        """year (or two-digit yy, 21 = 2021), session, and published (or year + month + day)."""
        year = self.year(groups.get("year"))
        if year is None and groups.get("yy"):
            year = 2000 + int(groups["yy"])
        published = groups.get("published")
        if not published and year and groups.get("month") and groups.get("day"):
            try:
                published = dt.date(year, int(groups["month"]), int(groups["day"])).isoformat()
            except ValueError:
                published = None
        return year, _session(groups.get("session")), published

    def language(self, row: Any, stem: str, options: list[tuple[str, str]]) -> str | None:
        given = self.mapped("language", row)
        if _present(given):
            return _clean(given)
        accepted = self.options.row_languages
        if not accepted:
            return None
        detected = detect_language(stem) or detect_language(" ".join([stem, *(text for _, text in options)]))
        if detected is None or language_matches(self.source_language, detected):
            return None
        if "*" in accepted or any(language_matches(tag, detected) for tag in accepted):
            return detected
        return None


def _name_texts(name: str) -> list[str]:
    """The file's base name, then its whole path, without the extension."""
    stem = re.sub(r"\.[^./]+$", "", name)
    return [stem.rsplit("/", 1)[-1], stem]


def _raw(row: Any) -> str:
    if isinstance(row, dict):
        return canonical_json({str(k): _jsonable(v) for k, v in row.items()})
    return json.dumps(_jsonable(row), ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _unique_keys(keys: list[tuple[int, str, bool]], id_path: str | None) -> None:
    """A mapped id that repeats is an error naming the rows (else items would collide)."""
    rows_by_key: dict[str, list[int]] = defaultdict(list)
    for index, key, mapped in keys:
        if mapped:
            rows_by_key[key].append(index)
    repeats = {k: v for k, v in rows_by_key.items() if len(v) > 1}
    if repeats:
        examples = "; ".join(
            f"'{k}' at rows {', '.join(str(i + 1) for i in v[:4])}" for k, v in list(repeats.items())[:3]
        )
        raise RecordError(
            ReasonCode.PARSE_ERROR,
            f"the mapped id '{id_path}' is not unique ({len(repeats)} ids repeat): {examples}; map "
            "`fields.id` to a unique field, or to null to number rows by position",
        )


def read_key_file(
    data: bytes, media_type: str, name: str, options: ExamOptions
) -> tuple[dict[str, Any], list[tuple[int, str, Any]]]:
    """An answer-key file as {join key: raw answer} and its unusable rows."""
    key_options = options.answer_key
    assert key_options is not None
    document, rows = _read(data, media_type, name, options)
    if document is not None:
        rows = _select_rows(document, key_options.records, options.records_orient, key_options.answers)
    answers: dict[str, Any] = {}
    bad: list[tuple[int, str, Any]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            bad.append((index, f"key row {index + 1} is a {type(row).__name__}, not a record", row))
            continue
        join = get_path(row, key_options.key)
        if not _present(join):
            bad.append((index, f"key row {index + 1} has no '{key_options.key}'", row))
            continue
        prefix = f"{row['_sheet']}/" if key_options.join == "number" and "_sheet" in row else ""
        answers[prefix + _clean(join)] = get_path(row, key_options.answers)
    return answers, bad


def _read(data: bytes, media_type: str, name: str, options: ExamOptions) -> tuple[Any, list[Any]]:
    try:
        return _rows(data, media_type, name, options)
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


def read_collection(
    data: bytes,
    media_type: str,
    name: str,
    options: ExamOptions,
    *,
    language: str = "und",
    answer_key: dict[str, Any] | None = None,
) -> CollectionFile:
    """Parse one collection file with the source's field mapping; raises RecordError if unreadable.

    `language` is the source's declared language (rows detected in one of `row_languages` get
    theirs); `answer_key` maps join keys to answers read from other files."""
    document, rows = _read(data, media_type, name, options)
    mapper = _Mapper(options, language, name)
    fields = mapper.fields
    if document is not None:
        rows = _select_rows(document, options.records, options.records_orient, fields["stem"])
    doc_fields = options.document_fields.model_dump()
    result = CollectionFile()
    edition_text = None
    if isinstance(document, dict):

        def doc_field(name: str) -> Any:
            path = doc_fields.get(name)
            return get_path(document, path) if path else None

        result.edition_year = mapper.year(doc_field("edition_year"))
        result.edition_session = _session(doc_field("edition_session"))
        published = doc_field("published")
        result.published = str(published) if published else None
        uri = doc_field("uri")
        result.uri = str(uri) if uri else None
        exam = doc_field("exam")
        result.exam = str(exam) if exam else None
        edition_text = doc_field("edition")
    year, session, published = mapper.edition([str(edition_text) if edition_text else None])
    if year is None and session is None and published is None:
        year, session, published = mapper.edition(_name_texts(name))
    result.edition_year = result.edition_year or year
    result.edition_session = result.edition_session or session
    result.published = result.published or published
    file_name = name.rsplit("/", 1)[-1]
    base_name = _name_texts(name)[0]
    keys: list[tuple[int, str, bool]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            result.bad_rows.append(
                (index, f"row {index + 1} is a {type(row).__name__}, not a record of fields", row)
            )
            continue
        row = {**row, "_row": index, "_file": base_name}
        stem_value = mapper.mapped("stem", row)
        stem = _clean(stem_value) if _present(stem_value) else ""
        options_list = _options(mapper.mapped("options", row), row, options.option_columns)
        if stem and (options.options_in_stem or (options.options_in_stem is None and not options_list)):
            split = split_option_text(stem, require_start=True)
            if split is not None and split.stem:
                stem, options_list = split.stem, split.options
        key_value = mapper.mapped("id", row)
        scope = "/".join(str(row[k]) for k in ("_sheet", "_key") if k in row and k != fields["id"])
        mapped_id = _present(key_value)
        key = _clean(key_value) if mapped_id else str(index)
        key = f"{scope}/{key}" if scope else key
        keys.append((index, key, mapped_id))
        number = _int(mapper.mapped("number", row))
        raw_answer = mapper.mapped("answers", row)
        if not _present(raw_answer) and answer_key is not None and options.answer_key is not None:
            if options.answer_key.join == "id":
                raw_answer = answer_key.get(_clean(key_value)) if mapped_id else None
            elif number is not None:
                prefix = f"{row['_sheet']}/" if "_sheet" in row else ""
                raw_answer = answer_key.get(prefix + str(number))
        read = read_answer(raw_answer, options_list, options.answer_format, options.answer_index_base)
        explanation = mapper.mapped("explanation", row)
        image_refs = image_refs_of(mapper.mapped("images", row))
        flag_value = mapper.mapped("needs_image", row)
        evidence = None
        if _flag(flag_value):
            evidence = f"mapped flag '{fields['needs_image']}'"
        elif image_refs:
            evidence = f"the row names an image: {image_refs[0][:80]}"
        elif options.detect_image_refs and not _present(flag_value):  # a mapped 'no' is the bank's word
            phrase = image_phrase(stem)
            if phrase:
                evidence = f"stem: '{phrase}'"
        row_year = mapper.year(mapper.mapped("edition_year", row))
        row_session = _session(mapper.mapped("edition_session", row))
        row_published = mapper.mapped("published", row)
        edition_field = mapper.mapped("edition", row)
        if _present(edition_field):
            y, s, p = mapper.edition([_clean(edition_field)])
            row_year, row_session, row_published = row_year or y, row_session or s, row_published or p
        where = [f"file {file_name}"]
        if "_sheet" in row:
            where.append(f"sheet {row['_sheet']}")
        if "_key" in row:
            where.append(f"key {row['_key']}")
        where.append(f"row {index + 1}")
        if number is not None:
            where.append(f"question {number}")
        if mapped_id:
            where.append(f"id {_clean(key_value)}")
        result.questions.append(
            CollectionQuestion(
                index=index,
                key=key,
                number=number,
                stem=stem,
                options=[] if read.open_answer else options_list,
                answers=read.labels,
                explanation=_clean(explanation) if _present(explanation) else None,
                annulled=_flag(mapper.mapped("annulled", row)) or read.annulled is not None,
                needs_image=evidence is not None,
                labels=_labels(mapper.mapped("source_labels", row)),
                locator=", ".join(where),
                raw_row=_raw({k: v for k, v in row.items() if k not in ("_row", "_file")}),
                edition_year=row_year,
                edition_session=row_session,
                published=str(row_published) if _present(row_published) else None,
                language=mapper.language(row, stem, options_list),
                image_evidence=evidence,
                image_refs=image_refs,
                depends_on_previous=depends_on_previous(stem),
                answer_note=read.note,
                annulled_reason=read.annulled,
            )
        )
    _unique_keys(keys, fields["id"])
    _mark_uniform_keys(result.questions)
    _mark_option_count_outliers(result.questions)
    return result


UNIFORM_KEY_MIN = 20
UNIFORM_KEY_SHARE = 0.9
SUSPICIOUS_KEY = "suspicious key"


SUSPICIOUS_OPTIONS = "suspicious options"
OUTLIER_MIN_GROUP = 20
OUTLIER_MODE_SHARE = 0.8
OUTLIER_EXTRA = 3


def _group_of(question: CollectionQuestion) -> str:
    return question.key.rsplit("/", 1)[0] if "/" in question.key else ""


def _mark_option_count_outliers(questions: list[CollectionQuestion]) -> None:
    """In a session of 20+ questions that (nearly) all have n options, one with n + 3 or more holds
    another question's options too (a question missing from the session: 46 shows 10 options, the
    five of 47 after its own five): it is marked, and the item stage rejects it."""
    groups: dict[str, list[CollectionQuestion]] = defaultdict(list)
    for question in questions:
        if question.options:
            groups[_group_of(question)].append(question)
    for group, members in groups.items():
        if len(members) < OUTLIER_MIN_GROUP:
            continue
        usual, count = Counter(len(q.options) for q in members).most_common(1)[0]
        if count / len(members) < OUTLIER_MODE_SHARE:
            continue
        where = f" in {group}" if group else ""
        for question in members:
            if len(question.options) >= usual + OUTLIER_EXTRA:
                note = (
                    f"{SUSPICIOUS_OPTIONS}: {len(question.options)} options where {count} of the "
                    f"{len(members)} questions{where} have {usual} (another question's options merged in?)"
                )
                question.answer_note = "; ".join(filter(None, [note, question.answer_note]))


def _mark_uniform_keys(questions: list[CollectionQuestion]) -> None:
    """A sheet, session or file of 20+ questions whose keys are (nearly) all the same answer holds a
    placeholder key, not a real one (a bank's 59th exam has [1] for all 200): its questions are marked."""
    groups: dict[str, list[CollectionQuestion]] = defaultdict(list)
    for question in questions:
        if question.answers and not question.annulled:
            groups[_group_of(question)].append(question)
    for group, members in groups.items():
        if len(members) < UNIFORM_KEY_MIN:
            continue
        answers = Counter(tuple(q.answers) for q in members)
        top, count = answers.most_common(1)[0]
        if count / len(members) >= UNIFORM_KEY_SHARE:
            where = f" of {group}" if group else ""
            note = f"{SUSPICIOUS_KEY}: {count} of {len(members)} answers{where} are {','.join(top)}"
            for question in members:
                question.answer_note = note

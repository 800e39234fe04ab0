"""Guess the mapping of an exam bank from its files: which field is the stem, the options, the key, the id,
the edition; what the rows are; which file holds the answers. The guess is an `ExamOptions` a user reads
and edits (it is written into a spec), with notes on what could not be mapped.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from extractors.exam_collection import (
    _present,
    _read,
    _select_rows,
    image_refs_of,
    read_collection,
    read_key_file,
)
from extractors.exam_option_text import split_option_text
from schemas import RecordError
from schemas.source_options import ExamOptions
from textkit import detect_language, script_of_language

SAMPLE = 300
NAMES: dict[str, re.Pattern[str]] = {
    "stem": re.compile(
        r"^(question(_?text)?|stem|text|body|prompt|enunciado|pregunta|questao|questão|frage|fråga|vraag|"
        r"pytanie|вопрос|question_stem|题目|問題|问题|題目|題幹|质询)$",
        re.I,
    ),
    "options": re.compile(
        r"^(options?|choices?|answers|alternatives?|alternativas|opciones|opcoes|opções|optionen|"
        r"alternativ|odpowiedzi|варианты|选项|選項|選択肢)$",
        re.I,
    ),
    "answers": re.compile(
        r"^(answers?|correct(_?answers?)?|correctanswers?|correct_?option|key|answer_?key|gabarito|"
        r"respuesta(_correcta)?|resposta|lösung|rätt_?svar|svar|cop|label|答案|正解|정답|ответ)$",
        re.I,
    ),
    "id": re.compile(r"^(id|idx|uid|qid|_id|question_?id|item_?id|uuid)$", re.I),
    "number": re.compile(
        r"^(number|no|num|nr|question_?(no|num|number)|original_question_num|q_?no|numero|número|番号|题号)$",
        re.I,
    ),
    "explanation": re.compile(
        r"^(explanation|explanations|rationale|explicaci[oó]n|explica[cç][aã]o|comment|解析|解説|解答)$", re.I
    ),
    "needs_image": re.compile(
        r"^(has_?image|needs_?image|is_?image|with_?image|image_?flag|hasimage)$", re.I
    ),
    "images": re.compile(r"^(images?|image_?urls?|img|figures?|isimageurl|image_?path|picture)$", re.I),
    "source_labels": re.compile(
        r"^(specialty|speciality|specialties|subject(_name)?|category|topic|especialidad|especialidade|"
        r"department|科目|科别|科|分野)$",
        re.I,
    ),
    "edition_year": re.compile(r"^(year|year_roc|ano|año|exam_?year|jahr|år|rok|年度|年份)$", re.I),
    "edition_session": re.compile(r"^(session|sesi[oó]n|etapa|round|sitting|edition|期|回)$", re.I),
    "edition": re.compile(r"^(file_?name|source_?file|exam_?name|edition_?name)$", re.I),
    "language": re.compile(r"^(language|lang|locale)$", re.I),
}
OPTION_COLUMN = re.compile(
    r"^(?P<prefix>(?:option|opt|choice|alt|alternativa|opci[oó]n|op|ans|answer)?[ _.-]?)"
    r"(?P<label>[A-Ja-j]|[1-9])$",
    re.I,
)
EDITION_PATTERNS = [
    r"(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)",
    r"(?:^|/)(?P<yy>[12]\d)(?P<month>[01]\d)(?P<day>[0-3]\d)[-_]",
    r"(?<!\d)(?P<year>(?:19|20)\d{2})(?!\d)",
]
ROC_FILE = re.compile(r"(?:^|/)(?P<year>(?:8\d|9\d|1[0-2]\d))(?:\D[^/]*)?\.[a-z]+$", re.I)


@dataclass
class BankFile:
    """One file of a bank as the inference sees it."""

    uri: str
    data: bytes
    media_type: str


@dataclass
class Inferred:
    """The guessed mapping of a bank, what it could not map, and the files it leaves out."""

    options: dict[str, Any]
    language: str | None
    row_languages: list[str] = field(default_factory=list)
    question_files: list[str] = field(default_factory=list)
    key_files: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    image_refs: list[str] = field(default_factory=list)
    """Image paths the mapped image field gives in the sampled rows (to find the bank's image folder)."""


def _rows_of(file: BankFile) -> list[dict[str, Any]]:
    """Rows of a file with no mapping: found lists of records, keyed objects, columns, sheets."""
    options = ExamOptions()
    document, rows = _read(file.data, file.media_type, file.uri, options)
    if document is not None:
        rows = _select_rows(document, None, "auto", None)
        if not any(isinstance(r, dict) for r in rows) or _looks_columnar(document):
            columns = _select_rows(document, None, "columns", None)
            if columns and len(columns) > len(rows):
                rows = columns
    return [r for r in rows if isinstance(r, dict)]


def _looks_columnar(document: Any) -> bool:
    if not isinstance(document, dict) or not document:
        return False
    inner = [v for v in document.values() if isinstance(v, dict)]
    if len(inner) != len(document):
        return False
    keys = [set(map(str, v)) for v in inner]
    return all(k == keys[0] for k in keys) and all(str(k).isdigit() for k in keys[0])


def _strings(rows: list[dict[str, Any]], name: str) -> list[str]:
    return [
        str(r[name]) for r in rows if _present(r.get(name)) and isinstance(r.get(name), str | int | float)
    ]


def _by_name(keys: list[str], kind: str) -> list[str]:
    return [k for k in keys if NAMES[kind].match(k.strip())]


def _option_columns(keys: list[str]) -> list[str]:
    matches = [(k, OPTION_COLUMN.match(k)) for k in keys]
    found = [(k, m) for k, m in matches if m]
    by_prefix: dict[str, list[str]] = {}
    for key, match in found:
        by_prefix.setdefault(match.group("prefix").lower(), []).append(key)
    best = max(by_prefix.values(), key=len, default=[])
    return best if len(best) >= 2 else []


def _options_field(rows: list[dict[str, Any]], keys: list[str], stem: str | None) -> tuple[str | None, str]:
    """The field holding options and how: 'list', 'dict' or 'text' (all in one string)."""
    named = _by_name(keys, "options")
    candidates = named + [k for k in keys if k not in named and k != stem]
    for key in candidates:
        values = [r.get(key) for r in rows if _present(r.get(key))]
        if not values:
            continue
        if sum(isinstance(v, list) and len(v) >= 2 for v in values) > 0.8 * len(values):
            if all(isinstance(x, str | dict) for v in values[:50] for x in v):
                return key, "list"
        if sum(isinstance(v, dict) and len(v) >= 2 for v in values) > 0.8 * len(values):
            return key, "dict"
        if key in named or key not in (stem,):
            texts = [v for v in values[:100] if isinstance(v, str)]
            split = sum(split_option_text(t, require_start=False) is not None for t in texts)
            if texts and split > 0.8 * len(texts) and (key in named or split == len(texts)):
                return key, "text"
    return None, ""


def _stem_field(rows: list[dict[str, Any]], keys: list[str]) -> str | None:
    named = [k for k in _by_name(keys, "stem") if _strings(rows, k)]

    def length(key: str) -> float:
        values = [v for v in _strings(rows, key) if not v.replace(".", "").isdigit()]
        return statistics.mean(len(v) for v in values) if values else 0.0

    if named:
        return max(named, key=length)
    texts = [k for k in keys if not k.startswith("_") and length(k) > 15]
    return max(texts, key=length) if texts else None


def _unique(rows: list[dict[str, Any]], key: str) -> bool:
    values = [str(r.get(key)) for r in rows if _present(r.get(key))]
    return bool(values) and len(set(values)) == len(values) == len(rows)


def _answer_format(rows: list[dict[str, Any]], answer: str, options: ExamOptions) -> dict[str, Any]:
    """index base, or text, from what the key values look like against the options."""
    values = [r.get(answer) for r in rows if _present(r.get(answer))]
    flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
    ints = [x for x in flat if isinstance(x, int) and not isinstance(x, bool)]
    digit_strings = [x for x in flat if isinstance(x, str) and x.strip().isdigit()]
    sizes = []
    for row in rows:
        for key in (options.fields.options,):
            value = row.get(key) if key else None
            if isinstance(value, list | dict):
                sizes.append(len(value))
    size = max(sizes) if sizes else (len(options.option_columns or []) or 5)
    # answer_format stays auto (label, then the option's text, then an index): files of one bank that
    # key differently (text in one, '2' in another) are all read; only the index base is guessed
    if ints and len(ints) >= 0.8 * len(flat):
        return {"answer_index_base": 1 if 0 not in ints and max(ints) >= size else 0}
    if digit_strings and len(digit_strings) >= 0.8 * len(flat):
        columns = options.option_columns or []
        if columns and all(str(c)[-1:].isdigit() for c in columns):
            return {}  # the labels are the digits themselves
        # digits are positions, even where an option's text is a digit too ('A. 5', 'B. 3'); other
        # keys (an option's text in another file of the bank) are still read
        return {
            "answer_format": "index",
            "answer_index_base": 0 if 0 in [int(x) for x in digit_strings] else 1,
        }
    return {}


def _edition_patterns(uris: list[str], rows: list[dict[str, Any]], fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if fields.get("edition_year"):
        values = [r.get(fields["edition_year"]) for r in rows if _present(r.get(fields["edition_year"]))]
        numbers = [int(v) for v in values if str(v).strip().isdigit()]
        if numbers and all(60 <= n <= 150 for n in numbers):
            out["year_calendar"] = "roc"
        return out
    texts = list(uris)
    if fields.get("edition"):
        texts += _strings(rows, fields["edition"])[:50]
    if any(re.search(p, t) for p in EDITION_PATTERNS for t in texts):
        out["edition_pattern"] = EDITION_PATTERNS
    elif all(ROC_FILE.search(u) for u in uris):
        out["edition_pattern"] = [ROC_FILE.pattern]
        out["year_calendar"] = "roc"
    return out


def _unique_within(rows: list[dict[str, Any]], field: str, group: str) -> bool:
    """Whether a field's values never repeat inside one group of rows (a number per session)."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        pair = (str(row.get(group)), str(row.get(field)))
        if pair in seen or not _present(row.get(field)):
            return False
        seen.add(pair)
    return bool(seen)


def _key_file(
    files: list[tuple[BankFile, list[dict[str, Any]]]], ids: set[str]
) -> tuple[BankFile, str, str] | None:
    """Another file whose rows join the questions by id and carry one short value: the answer key."""
    for file, rows in files:
        if not rows:
            continue
        keys = [k for k in rows[0] if not k.startswith("_")]
        for key in keys:
            values = {str(r.get(key)) for r in rows}
            if len(values & ids) >= 0.5 * len(rows):
                others = [k for k in keys if k != key]
                named = [k for k in others if NAMES["answers"].match(k)] or others
                if named:
                    return file, key, named[0]
    return None


def infer_mapping(files: list[BankFile]) -> Inferred:
    """The mapping of a bank's files; raises RecordError when no file holds question rows."""
    read: list[tuple[BankFile, list[dict[str, Any]]]] = []
    skipped: dict[str, str] = {}
    for file in files:
        try:
            read.append((file, _rows_of(file)))
        except (RecordError, ValueError) as error:
            skipped[file.uri] = str(error)[:160]
    if not read:
        raise RecordError("parse_error", "no file could be read: " + "; ".join(skipped.values()))
    # the question files: those with rows that have a long text field
    scored = []
    for file, rows in read:
        keys = sorted(
            {k for r in rows[:SAMPLE] for k in r},
            key=lambda k: list(rows[0]).index(k) if k in rows[0] else 99,
        )
        stem = _stem_field(rows[:SAMPLE], keys) if rows else None
        scored.append((file, rows, keys, stem))
    main_file, main_rows, keys, stem = max(scored, key=lambda s: (s[3] is not None, len(s[1])))
    if stem is None:
        raise RecordError("missing_field", "no field of the files looks like a question stem (a long text)")
    sample = main_rows[:SAMPLE]
    fields: dict[str, Any] = {"stem": stem}
    options: dict[str, Any] = {}
    notes: list[str] = []
    option_field, how = _options_field(sample, keys, stem)
    columns = _option_columns(keys) if option_field is None else []
    if option_field:
        fields["options"] = option_field
        notes.append(f"options: field '{option_field}' ({how})")
    elif columns:
        options["option_columns"] = columns
        fields["options"] = None
        notes.append(f"options: columns {columns}")
    else:
        fields["options"] = None
        in_stem = sum(split_option_text(str(r.get(stem, ""))) is not None for r in sample)
        if in_stem > 0.5 * len(sample):
            options["options_in_stem"] = True
            notes.append("options: written inside the stem")
    for kind in (
        "answers",
        "id",
        "number",
        "explanation",
        "needs_image",
        "images",
        "source_labels",
        "edition_year",
        "edition_session",
        "edition",
        "language",
    ):
        used = {v for v in fields.values() if v} | set(columns)
        candidates = [k for k in _by_name(keys, kind) if k not in used]
        if kind == "id":
            candidates = [k for k in candidates if _unique(main_rows, k)]
        if kind == "answers" and not candidates:
            candidates = [
                k for k in keys if k not in used and re.search(r"answer|correct|respuesta|key", k, re.I)
            ]
        fields[kind] = candidates[0] if candidates else None
    # keyed objects: the key is the id when the rows have none (or theirs repeat)
    if fields["id"] is None and any("_key" in r for r in sample) and _unique(main_rows, "_key"):
        fields["id"] = "_key"
    elif (
        fields["edition_session"] is None
        and any("_key" in r for r in sample)
        and not _unique(main_rows, "_key")  # a key per question is an id, not a session
    ):
        # an object keyed by session or booklet ({"1": [...], "2": [...]}): the key names the session,
        # and an id that repeats across sessions but not within one is the question number
        fields["edition_session"] = "_key"
        notes.append(
            "edition_session: the key the questions are grouped under; value_maps.edition_session and "
            ".edition_year can give each key its name and year"
        )
        if fields["number"] is None:
            per_session = [k for k in _by_name(keys, "id") if _unique_within(main_rows, k, "_key")]
            if per_session:
                fields["number"] = per_session[0]
    question_files = [f.uri for f, rows, _k, s in scored if s == stem and rows]
    key_files: list[str] = []
    if fields["answers"] is None:
        ids = {str(r.get(fields["id"])) for r in main_rows} if fields["id"] else set()
        others = [(f, rows) for f, rows, _k, s in scored if f.uri not in question_files]
        found = _key_file(others, ids) if ids else None
        if found:
            key_file, join, answer = found
            options["answer_key"] = {"files": key_file.uri, "key": join, "answers": answer}
            key_files.append(key_file.uri)
            notes.append(f"answers: in {key_file.uri}, joined by '{join}'")
    for name, rows, _k, _s in scored:
        if name.uri not in question_files and name.uri not in key_files:
            skipped[name.uri] = "no question rows (no field like the stem)" if rows else "no rows"
    options["fields"] = {k: v for k, v in fields.items()}
    typed = ExamOptions.model_validate(options)
    if fields["answers"]:
        options.update(_answer_format(sample, fields["answers"], typed))
    options.update(_edition_patterns(question_files, sample, fields))
    # languages over every question file (a bank's few English questions may sit in one file)
    every_file = [r for f, rows, _k, s in scored if s == stem for r in rows[:SAMPLE]]
    languages = Counter(detect_language(str(r.get(stem, ""))) for r in every_file)
    languages.pop(None, None)
    language = languages.most_common(1)[0][0] if languages else None
    row_languages = [
        tag
        for tag, count in languages.items()
        if tag != language and (count >= max(2, 0.02 * len(every_file)) or _other_script(tag, language))
    ]
    if row_languages:
        options["row_languages"] = row_languages
    unmapped = [k for k in ("options", "answers", "id") if not fields.get(k)]
    if "option_columns" in options or options.get("options_in_stem"):
        unmapped = [k for k in unmapped if k != "options"]
    if "answer_key" in options:
        unmapped = [k for k in unmapped if k != "answers"]
    leftover = [k for k in keys if not k.startswith("_") and k not in fields.values() and k not in columns]
    if leftover:
        notes.append(f"fields not mapped: {', '.join(leftover[:12])}")
    ExamOptions.model_validate(options)  # what is written must be what the importer reads
    return Inferred(
        options=options,
        language=language,
        row_languages=row_languages,
        question_files=question_files,
        key_files=key_files,
        skipped=skipped,
        unmapped=unmapped,
        notes=notes,
        image_refs=[ref for r in sample for ref in image_refs_of(r.get(fields["images"]))][:50]
        if fields.get("images")
        else [],
    )


def _other_script(tag: str, language: str | None) -> bool:
    """Whether a row language is written in another script than the bank's: then one row is evidence
    enough (an English question in a Hebrew bank), where a second Latin language needs several."""
    return language is not None and script_of_language(tag) != script_of_language(language)


def preview(
    file: BankFile, options: dict[str, Any], language: str, key_files: list[BankFile] = (), count: int = 3
) -> list[str]:
    """The first questions of a file as the mapping reads them (answers joined from the key files),
    one short block each."""
    typed = ExamOptions.model_validate(options)
    key: dict[str, Any] | None = None
    if typed.answer_key is not None:
        key = {}
        for key_file in key_files:
            key.update(read_key_file(key_file.data, key_file.media_type, key_file.uri, typed)[0])
    collection = read_collection(
        file.data, file.media_type, file.uri, typed, language=language, answer_key=key
    )
    lines = []
    for question in collection.questions[:count]:
        opts = " | ".join(f"{label}) {text[:30]}" for label, text in question.options)
        year = question.edition_year or collection.edition_year
        lines.append(
            f"{question.locator}: {question.stem[:80]!r}\n    {opts}\n    answer={question.answers} "
            f"year={year} needs_image={question.needs_image}"
        )
    return lines

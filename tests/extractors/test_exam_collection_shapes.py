"""Collection shapes the exams_wild banks lack, made from their real rows: column-oriented JSON, objects
keyed by id, a workbook with one sheet per booklet and its key in another workbook, dotted column
names, options inside the stem; and the answer formats, sessions and ids a mapping must read."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from extractors.exam_answers import read_answer
from extractors.exam_collection import read_collection
from extractors.exam_images import depends_on_previous, image_phrase
from extractors.exam_option_text import split_option_text
from extractors.exams import extract_exam_questions
from schemas import BenchmarkSpec, RecordError, SourceDocument
from schemas.source_options import ExamOptions
from scrapers.store import store_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def ru_rows(fixtures_dir: Path) -> list[dict]:
    path = fixtures_dir / "exams_wild" / "ru_rumedtest" / "data" / "RuMedTest" / "private_test_v1.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:6]]


@pytest.fixture(scope="module")
def tw_rows(fixtures_dir: Path) -> list[dict]:
    path = fixtures_dir / "exams_wild" / "tw_medexam" / "Question-Bank" / "108.json"
    return json.loads(path.read_text(encoding="utf-8"))[:160]


def _doc(raw: Path, data: bytes, uri: str, media_type: str) -> SourceDocument:
    sha, rel, _ = store_bytes(raw, data)
    return SourceDocument(
        document_id=sha,
        source_id="src",
        uri=uri,
        fetched_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        media_type=media_type,
        byte_size=len(data),
        licence="unknown",
        raw_path=rel,
    )


def test_column_oriented_json_as_pandas_writes_it(ru_rows: list[dict]) -> None:
    frame = pd.DataFrame(ru_rows)
    data = frame.to_json(orient="columns", force_ascii=False).encode()
    assert json.loads(data)["question"]["0"] == ru_rows[0]["question"]  # {"question": {"0": ...}}
    options = ExamOptions(fields={"stem": "question", "id": "idx"}, option_columns=["1", "2", "3", "4"])
    collection = read_collection(data, "application/json", "bank.json", options)
    assert [q.stem for q in collection.questions] == [r["question"] for r in ru_rows]
    assert collection.questions[0].options[3] == ("4", "1 см2 и менее")
    split = frame.to_json(orient="split", force_ascii=False).encode()  # {"columns": [...], "data": [...]}
    again = read_collection(split, "application/json", "bank.json", options)
    assert [q.stem for q in again.questions] == [r["question"] for r in ru_rows]


def test_object_keyed_by_id(ru_rows: list[dict]) -> None:
    keyed = {row["idx"]: {k: v for k, v in row.items() if k != "idx"} for row in ru_rows}
    options = ExamOptions(fields={"stem": "question", "id": "_key"}, option_columns=["1", "2", "3", "4"])
    collection = read_collection(json.dumps(keyed).encode(), "application/json", "bank.json", options)
    assert [q.key for q in collection.questions] == [r["idx"] for r in ru_rows]
    assert collection.questions[1].options[2][1] == ru_rows[1]["3"]


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_every_sheet_and_a_key_in_another_workbook_joined_by_booklet_and_number(
    tmp_path: Path, tw_rows: list[dict]
) -> None:
    booklets = {"A": tw_rows[:80], "B": tw_rows[80:160]}
    questions = _workbook(
        {
            name: [["no", "stem", "A", "B", "C", "D"]]
            + [[r["question_no"], r["question_text"], *(c[3:] for c in r["choices"])] for r in rows]
            for name, rows in booklets.items()
        }
    )
    key = _workbook(
        {
            name: [["no", "key"]] + [[r["question_no"], r["answer"]] for r in rows]
            for name, rows in booklets.items()
        }
    )
    spec = BenchmarkSpec(
        benchmark="t",
        base_dir=str(tmp_path),
        sources=[
            {
                "id": "src",
                "kind": "exam_collection",
                "licence": "unknown",
                "language": "zh-Hant",
                "options": {
                    "fields": {"stem": "stem", "number": "no", "id": None},
                    "option_columns": ["A", "B", "C", "D"],
                    "answer_key": {"files": "*key*", "join": "number", "key": "no", "answers": "key"},
                },
            }
        ],
    )
    raw = tmp_path / "raw"
    docs = [_doc(raw, questions, "paper.xlsx", XLSX), _doc(raw, key, "key.xlsx", XLSX)]
    result = extract_exam_questions(spec, docs, raw)
    assert len(result.records) == 160 and not result.rejections
    # both workbooks are inputs; the key's rows went into the paper's questions
    assert result.records_in == 2 and result.records_in + result.expanded == 160
    answers = {(q.locator.split("sheet ")[1].split(",")[0], q.number): q.answers for q in result.records}
    assert answers[("A", 1)] == [tw_rows[0]["answer"]] and answers[("B", 1)] == [tw_rows[80]["answer"]]
    assert all(answers[("B", r["question_no"])] == [r["answer"]] for r in booklets["B"])


def test_dotted_column_names_are_found_as_written_or_escaped(ru_rows: list[dict]) -> None:
    frame = pd.DataFrame(
        {
            "question.text": [r["question"] for r in ru_rows],
            **{f"option.{label}": [r[str(i)] for r in ru_rows] for i, label in enumerate("ABCD", 1)},
            "meta": ["x"] * len(ru_rows),
        }
    )
    data = frame.to_csv(index=False).encode()
    options = ExamOptions(
        fields={"stem": "question\\.text"}, option_columns=["option.A", "option.B", "option.C", "option.D"]
    )
    collection = read_collection(data, "text/csv", "bank.csv", options)
    assert collection.questions[0].stem == ru_rows[0]["question"]
    assert [label for label, _ in collection.questions[0].options] == ["A", "B", "C", "D"]
    assert collection.questions[0].options[3][1] == ru_rows[0]["4"]


@pytest.mark.parametrize(
    "layout",
    [
        lambda options: " ".join(f"({label}) {text}" for label, text in options),
        lambda options: " ".join(f"{label}) {text}" for label, text in options),
        lambda options: "\n".join(f"{label.lower()}. {text}" for label, text in options),
        lambda options: "\n".join(f"{label} {text}" for label, text in options),
    ],
    ids=["paren", "close", "dot-per-line", "bare-per-line"],
)
def test_options_inside_the_stem(tw_rows: list[dict], layout) -> None:
    row = tw_rows[1]
    options = [(c[1], c[3:]) for c in row["choices"]]
    text = row["question_text"] + "\n" + layout(options)
    split = split_option_text(text)
    assert split is not None and split.stem == row["question_text"]
    assert split.options == options


def test_a_stray_marker_does_not_cut_a_stem() -> None:
    assert (
        split_option_text("Vitamin A) deficiency causes night blindness; which test (B) confirms it?") is None
    )
    assert split_option_text("Which is true of hepatitis a. virus?") is None


def test_answer_formats() -> None:
    options = [("A", "Liver"), ("B", "Pancreas"), ("C", "Spleen"), ("D", "Kidney")]
    assert read_answer("ACD", options).labels == ["A", "C", "D"]
    assert read_answer("A, C", options).labels == ["A", "C"]
    assert read_answer([1, 3], options).labels == ["B", "D"]  # 0-based by default
    assert read_answer("2", options, "index", 1).labels == ["B"]
    # sv final_dataset: 'how many rib pairs ...' with options 'A. 5', 'B. 3', 'C. 2' and key "3" (1-based)
    ribs = [("A", "5"), ("B", "3"), ("C", "2"), ("D", "4"), ("E", "1")]
    assert read_answer("3", ribs, "index", 1).labels == ["C"] and read_answer("3", ribs).labels == ["B"]
    assert read_answer("Pancreas", options, "index", 1).labels == ["B"]  # not a digit: read as text
    assert read_answer(2, options, "auto", 1).labels == ["B"]
    assert read_answer("pancreas", options).labels == ["B"]  # the option's text
    either = read_answer("a or d", options)
    assert either.labels == ["A", "D"] and either.note.startswith("alternatives")
    assert read_answer("invalid", options).annulled == "the key says 'invalid'"
    assert read_answer("ANULADA", options).annulled
    assert read_answer(float("nan"), options).labels == [] and read_answer("nan", options).labels == []
    fill_in = read_answer("42", [])
    assert fill_in.open_answer and fill_in.labels == ["42"] and fill_in.note == "numeric fill-in"
    assert read_answer("400 mL", []).open_answer and read_answer(12.5, []).labels == ["12.5"]
    assert not read_answer("4", []).open_answer  # options not mapped, rather than a fill-in answer 4
    assert read_answer("4", [], "fill_in").open_answer


def test_a_repeated_mapped_id_names_the_rows(ru_rows: list[dict]) -> None:
    rows = [dict(r) for r in ru_rows]
    rows[3]["idx"] = rows[0]["idx"]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    options = ExamOptions(fields={"stem": "question", "id": "idx"}, option_columns=["1", "2", "3", "4"])
    with pytest.raises(RecordError) as raised:
        read_collection(data, "application/x-ndjson", "bank.jsonl", options)
    message = str(raised.value)
    assert "'idx' is not unique" in message and f"'{rows[0]['idx']}' at rows 1, 4" in message


def test_sessions_are_nfc_and_years_come_from_folders_and_calendars(ru_rows: list[dict]) -> None:
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in ru_rows).encode()
    options = ExamOptions(
        fields={"stem": "question", "id": "idx"},
        option_columns=["1", "2", "3", "4"],
        edition_pattern=r"LEK-(?P<session>[^-/]+)-(?P<year>\d{4})",
    )
    nfc = read_collection(
        data, "application/x-ndjson", unicodedata.normalize("NFC", "LEK-jesień-2021.jsonl"), options
    )
    nfd = read_collection(
        data, "application/x-ndjson", unicodedata.normalize("NFD", "LEK-jesień-2021.jsonl"), options
    )
    assert nfc.edition_session == nfd.edition_session == "jesień" and nfc.edition_year == 2021
    folder = ExamOptions(fields={"stem": "question", "id": "idx"}, edition_pattern=r"Year(?P<year>\d{4})")
    assert (
        read_collection(data, "application/x-ndjson", "exams/Year2019/PRUEBA A.jsonl", folder).edition_year
        == 2019
    )
    roc = ExamOptions(
        fields={"stem": "question", "id": "idx"}, edition_pattern=r"^(?P<year>\d{3})", year_calendar="roc"
    )
    assert read_collection(data, "application/x-ndjson", "108.jsonl", roc).edition_year == 2019


@pytest.mark.parametrize(
    ("stem", "language"),
    [
        ("The ECG shown below was recorded in the emergency department. What is the rhythm?", "en"),
        ("一位女性，其甲狀腺超音波檢查如圖，最可能的診斷為何？", "zh"),
        ("尿沈渣の Sternheimer 染色標本(別冊No.1)を別に示す。", "ja"),
        ("다음 그림에서 보이는 병변은?", "ko"),
        ("Na rycinie przedstawiono zmianę skórną. Jakie jest rozpoznanie?", "pl"),
        ("Paciente con la lesión que se muestra en la imagen. ¿Cuál es el diagnóstico?", "es"),
        ("Observe a imagem abaixo e responda qual o diagnóstico.", "pt"),
        ("Quel est le diagnostic de la lésion sur la photo ci-dessous ?", "fr"),
        ("Welche Diagnose zeigt die Abbildung?", "de"),
        ("Vad visar bilden nedan? Välj ett alternativ:", "sv"),
        ("מה נכון לגבי מטופל עם הממצא המצורף?", "he"),
        ("Какой диагноз на рисунке?", "ru"),
    ],
)
def test_stems_pointing_at_a_picture(stem: str, language: str) -> None:
    assert image_phrase(stem) is not None, language


@pytest.mark.parametrize(
    "stem",
    [
        "上消化道出血可单纯表现为呕血或黑便，也可两者兼有，这取决于",
        "心绞痛发作时，心电图示ST段下移及T波倒置。应首先考虑",
        "Vilken diagnos stämmer bäst med den kliniska bilden ovan? Välj ett alternativ:",
        "Which vessel is most likely occluded, as shown in studies of such patients?",
        "Solicitar exame de imagem para todos os pacientes?",
    ],
)
def test_stems_that_only_describe_do_not_need_a_picture(stem: str) -> None:
    assert image_phrase(stem) is None


def test_questions_leaning_on_the_previous_one() -> None:
    assert depends_on_previous("承上題，此病人最可能的診斷為何？")
    assert depends_on_previous("この患者で考えられるのはどれか。")
    assert depends_on_previous("What is the next step for the same patient?")
    assert not depends_on_previous(
        "A 54-year-old man presents with crushing chest pain for two hours. "
        "What should this patient receive first?"
    )

"""The exams_wild banks, each imported through its spec in benchmarks/exams_wild/ with no conversion
script: the rows, stems, options, keys, editions, image flags and labels they come out with."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from extractors.exams import extract_exam_questions
from schemas import BenchmarkItem, ExamQuestion, StageResult
from schemas.spec import parse_spec
from scrapers.ingest import ingest_sources
from synthesis.generate import synthesize_items
from tests.conftest import REPO_ROOT, fixtures_root

SPECS = REPO_ROOT / "benchmarks" / "exams_wild"


@cache
def _imported(name: str, tmp: str) -> tuple[StageResult[ExamQuestion], StageResult[BenchmarkItem]]:
    data = yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))
    bank = Path(data.pop("base_dir")).name
    root = fixtures_root() / "exams_wild" / bank
    if not root.is_dir():
        pytest.fail(f"exams_wild fixture not found at {root} (set MEDFORGE_FIXTURES)")
    spec = parse_spec(data, base_dir=root)
    documents = ingest_sources(spec, Path(tmp) / "raw", Path(tmp) / "work")
    extracted = extract_exam_questions(spec, documents.records, Path(tmp) / "raw")
    return extracted, synthesize_items(spec, extracted.records, [], [])


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    tmp = str(tmp_path_factory.mktemp("wild"))
    return lambda name: _imported(name, tmp)


def _by_id(result: StageResult[ExamQuestion]) -> dict[str, ExamQuestion]:
    return {q.locator.rsplit("id ", 1)[-1]: q for q in result.records if q.locator and "id " in q.locator}


def test_tw_medexam_roc_years_labels_inside_options_and_image_rows(imported) -> None:
    extracted, items = imported("tw_medexam")
    assert len(extracted.records) == 1280 and not extracted.rejections
    first = _by_id(extracted)["Q-108-1-3-001"]
    assert first.edition_year == 2019 and first.edition_session == "第一次"  # ROC 108
    assert [o.label for o in first.options] == ["A", "B", "C", "D"]
    assert first.options[0].text == "經蝶鞍腦下垂體手術（transsphenoid surgery）"  # "(A)" taken off
    assert first.answers == ["D"] and first.source_labels == ["新陳代謝科"]
    assert {q.edition_year for q in extracted.records} == {2019, 2024}
    with_url = [q for q in extracted.records if q.image_refs]
    assert len(with_url) == 93 and all(q.needs_image for q in with_url)
    assert sum(q.depends_on_previous for q in extracted.records) >= 6  # the stems that open 承上題
    # nothing that needs a picture is released as text, and the bank's specialty is a tag
    assert not any("cougarbot" in (i.explanation or "") for i in items.records)
    reasons = Counter(r.reason_code for r in items.rejections)
    assert reasons["needs_image"] >= 93 and len(items.records) + len(items.rejections) == 1280
    tags = {t.code for i in items.records for t in i.tags if t.tagger == "source_labels"}
    assert "新陳代謝科" in tags


def test_jp_rinsho_typescript_literal_keyed_by_session(imported) -> None:
    extracted, _ = imported("jp_rinsho")
    assert len(extracted.records) == 799
    first = extracted.records[0]
    assert first.stem == "採血に伴う血管迷走神経反射で正しいのはどれか。"
    assert first.answers == ["C"] and first.options[2].text == "血圧が低下する。"  # 0-based [2]
    assert first.edition_year == 2012 and first.edition_session == "第58回 午前"
    two = next(q for q in extracted.records if q.stem.startswith("毒物及び劇物取締法"))
    assert two.answers == ["B", "E"]  # [1, 4]
    template = next(q for q in extracted.records if "Sternheimer" in q.stem)
    assert "\n認められるのはどれか。" in template.stem  # a template string, its \n read
    assert template.needs_image and template.image_refs == ["/am58/am-image-000.png"]
    assert sum(bool(q.image_refs) for q in extracted.records) == 115
    sessions = Counter(q.edition_session for q in extracted.records)
    assert len(sessions) == 8 and {q.edition_year for q in extracted.records} == {2012, 2013, 2014, 2015}


def test_jp_rinsho_placeholder_keys_and_choose_two_mismatches_are_not_released(imported) -> None:
    extracted, items = imported("jp_rinsho")
    # the 59th exam (sessions 3 and 4) has [1] as every key: a placeholder, not a key
    marked = [q for q in extracted.records if (q.answer_note or "").startswith("suspicious key")]
    assert {q.edition_session for q in marked} == {"第59回 午前", "第59回 午後"} and len(marked) == 200
    assert "100 of 100 answers of 3 are B" in marked[0].answer_note
    released = {i.source_key for i in items.records}
    assert not any(q.record_id in released for q in marked)
    mismatch = [r for r in items.rejections if r.reason_code == "answer_count_mismatch"]
    assert [r.message for r in mismatch] == ["the stem asks for 2 answers but the key gives 1: ['B']"]
    assert "電子天秤" in mismatch[0].payload


def test_jp_rinsho_question_holding_the_options_of_a_missing_one_is_not_released(imported) -> None:
    # 61st AM: question 47 is missing and its five options follow the five of question 46
    extracted, items = imported("jp_rinsho")
    merged = next(q for q in extracted.records if q.stem.startswith("皮膚と同様の上皮組織を有するのは"))
    assert len(merged.options) == 10
    assert (merged.answer_note or "").startswith("suspicious options: 10 options where")
    rejected = [r for r in items.rejections if r.reason_code == "suspicious_options"]
    assert len(rejected) == 1 and "have 5" in rejected[0].message
    assert all(len(i.options) == 5 for i in items.records)


def test_pe_conareme_year_from_the_folder_and_four_or_five_option_columns(imported) -> None:
    extracted, items = imported("pe_conareme")
    assert len(extracted.records) == 300
    by_year = Counter(q.edition_year for q in extracted.records)
    assert set(by_year) == {2018, 2019, 2025}
    year_2025 = [q for q in extracted.records if q.edition_year == 2025]
    assert all(len(q.options) == 4 for q in year_2025)  # this file has option_A..option_D only
    first = year_2025[0]
    assert first.stem.startswith("Varón de 65 años") and first.options[2].text == "Nitroprusiato"
    assert first.answers == ["C"] and first.source_labels == ["ESPECIALIADAD A"]  # from the file name
    assert all(len(q.options) == 5 for q in extracted.records if q.edition_year == 2019)
    assert len(items.records) >= 295


def test_sv_answers_as_text_invalid_and_one_based_index(imported) -> None:
    extracted, items = imported("sv_kunskapsprov")
    raw = [q for q in extracted.records if q.source_id == "sv-raw"]
    final = [q for q in extracted.records if q.source_id == "sv-final"]
    assert (len(raw), len(final)) == (140, 1002)
    first = raw[0]
    assert first.answers == ["E"] and first.options[4].text.startswith("Ger patienten en känsla")
    assert first.edition_year == 2021 and str(first.published) == "2021-11-30"
    annulled = [q for q in raw if q.annulled]
    assert len(annulled) == 7 and all("invalid" in (q.answer_note or "") for q in annulled)
    assert final[0].answers == ["B"]  # "2", counted from 1
    assert final[0].options[1].text == "Frågar om orsaken till varför föräldrarna vill det"
    assert {q.edition_year for q in final} >= {2020, 2021, 2022}
    reasons = Counter(r.reason_code for r in items.rejections)
    assert reasons["annulled"] == 7


def test_zh_cmexam_options_in_one_cell_and_concatenated_keys(imported) -> None:
    extracted, items = imported("zh_cmexam")
    assert len(extracted.records) == 6811
    first = extracted.records[0]
    assert [o.text for o in first.options] == ["原发病", "出血部位", "出血量", "在胃内停留时间", "以上均非"]
    assert first.answers == ["C"]
    multi = [q for q in extracted.records if len(q.answers) > 1]
    assert len(multi) == 210
    from_b = [q for q in extracted.records if q.options and q.options[0].label == "B"]
    assert len(from_b) == 2
    missing = [r for r in items.rejections if r.reason_code == "missing_field"]
    assert len(missing) == 1 and "no answer key" in missing[0].message  # the row whose key is nan
    # options that differ only by a sign are not duplicates: row 2631 (HBsAg (﹢)/(﹣)) is released
    hbsag = next(q for q in extracted.records if q.locator.endswith("row 2631"))
    assert any(i.source_key == hbsag.record_id for i in items.records)


def test_he_ophth_javascript_zero_based_year_in_the_id_and_attached_finding(imported) -> None:
    extracted, items = imported("he_ophth")
    assert len(extracted.records) == 54
    by_id = _by_id(extracted)
    retina = by_id["retina-2017-1"]
    assert retina.edition_year == 2017 and retina.answers == ["C"]  # correctAnswer: 2
    assert retina.needs_image and "המצורף" in (retina.image_evidence or "")
    english = by_id["lens-2017-10"]
    assert english.language == "en"  # an English question among Hebrew ones keeps its language
    assert any(i.source_key == english.record_id and i.language == "en" for i in items.records)
    assert not any(r.reason_code == "language_mismatch" for r in items.rejections)


def test_ru_rumedtest_answers_joined_from_another_file(imported) -> None:
    extracted, items = imported("ru_rumedtest")
    assert len(extracted.records) == 397
    first = _by_id(extracted)["da4324a94e712843d32e5574474d2c15"]
    assert [o.label for o in first.options] == ["1", "2", "3", "4"]
    assert first.answers == ["4"] and first.options[3].text == "1 см2 и менее"
    assert all(q.answers for q in extracted.records)
    # two files, one of them the key: its rows became the questions' answers
    assert extracted.records_in == 2 and extracted.records_in + extracted.expanded == 397
    assert len(items.records) == 396

"""Coverage rows and empty branches for the dataset card."""

from __future__ import annotations

from taxonomy.coverage import coverage_summary, coverage_table, empty_branches
from tests.taxonomy.conftest import tagged


def test_coverage_table_counts_items_per_code():
    items = [
        tagged("a", "modality:CT", "modality:radiology"),
        tagged("b", "modality:CT"),
        tagged("c", "anatomy:liver"),
    ]
    rows = coverage_table(items)
    assert rows[0] == {
        "vocabulary": "modality",
        "code": "CT",
        "title": "Computed tomography",
        "level": "modality",
        "count": 2,
    }
    assert {(r["vocabulary"], r["code"], r["count"]) for r in rows} == {
        ("modality", "CT", 2),
        ("modality", "radiology", 1),
        ("anatomy", "liver", 1),
    }
    assert coverage_table([i.model_dump(mode="json") for i in items]) == rows


def test_empty_branches_name_the_highest_uncovered_codes():
    items = [tagged("a", "modality:CT"), tagged("b", "icd10:K70.1")]
    empty = empty_branches(items, "modality")
    assert "radiology" not in empty and "CT" not in empty
    assert "MRI" in empty and "endoscopy" in empty and "EGD" not in empty  # the branch, not its leaves
    icd_empty = empty_branches(items, "icd10")
    assert "XI" not in icd_empty and "K70-K77" not in icd_empty
    assert "K80-K87" in icd_empty and "IX" in icd_empty and "I20-I25" not in icd_empty
    assert "K70" not in icd_empty  # ICD-10 lists chapters and blocks only


def test_summary_shares():
    summary = coverage_summary([tagged("a", "modality:CT"), tagged("b")])
    assert summary["modality"]["items"] == 1 and summary["modality"]["share"] == 0.5
    assert summary["icd10"]["items"] == 0

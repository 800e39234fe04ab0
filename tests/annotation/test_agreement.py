"""Agreement statistics against values worked by hand and published examples."""

from __future__ import annotations

import pytest

from annotation.agreement import agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha, per_label_agreement


def test_cohen_kappa_matches_a_hand_worked_table() -> None:
    # 2x2 table: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_fleiss_kappa_matches_the_wikipedia_example() -> None:
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    units = [[str(c) for c, n in enumerate(row) for _ in range(n)] for row in table]
    assert fleiss_kappa(units) == pytest.approx(0.210, abs=0.001)


def test_krippendorff_alpha_matches_the_nominal_reference_example() -> None:
    # Krippendorff (2011) "Computing Krippendorff's alpha", nominal example with missing values: 0.743
    data = [
        ["1", "1", None, "1"], ["2", "2", "3", "2"], ["3", "3", "3", "3"], ["3", "3", "3", "3"],
        ["2", "2", "2", "2"], ["1", "2", "3", "4"], ["4", "4", "4", "4"], ["1", "1", "2", "1"],
        ["2", "2", "2", "2"], [None, "5", "5", "5"], [None, None, "1", "1"], [None, None, "3", None],
    ]  # fmt: skip
    units = [[v for v in unit if v is not None] for unit in data]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=0.001)


def test_perfect_agreement_on_a_single_label_is_one() -> None:
    assert cohen_kappa([("a", "a")] * 5) == 1.0
    assert fleiss_kappa([["a", "a", "a"]] * 4) == 1.0


def test_agreement_picks_cohen_for_two_raters_and_fleiss_for_more() -> None:
    two = {"t1": {"r1": "accept", "r2": "accept"}, "t2": {"r1": "reject", "r2": "accept"}, "t3": {"r1": "x"}}
    result = agreement(two)
    assert result["method"] == "cohen_kappa" and result["units"] == 2 and result["raters"] == 2
    three = {f"t{i}": {"a": "x", "b": "x", "c": "y" if i % 2 else "x"} for i in range(6)}
    assert agreement(three)["method"] == "fleiss_kappa"
    labels = per_label_agreement(two)
    assert set(labels) == {"accept", "reject", "x"}
    assert labels["accept"]["method"] == "cohen_kappa"


def test_no_overlap_gives_no_value() -> None:
    assert agreement({"t1": {"r1": "a"}, "t2": {"r2": "b"}})["value"] is None
    assert cohen_kappa([]) is None

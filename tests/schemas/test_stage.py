"""The books of a stage: an unbalanced result raises, and Books counts expansion from what was made."""

from __future__ import annotations

import pytest

from schemas import BenchmarkItem, Books, Rejection, Stage, StageResult, UnbalancedBooksError


def _rejection(record_id: str) -> Rejection:
    return Rejection.of(
        Stage.CURATE, record_id, "BenchmarkItem", "r", "m", uri="https://example.org/q", payload=None
    )


def test_balanced_result_counts_its_books(make_item) -> None:
    ok = StageResult(stage="curate", records=[make_item()], rejections=[_rejection("x")], records_in=2)
    assert ok.stage is Stage.CURATE  # a stored result gives the name back as text
    assert ok.counts() == {
        "in": 2,
        "expanded": 0,
        "out": 1,
        "rejected": 1,
        "quarantined": 0,
        "reasons": {"r": 1},
    }


def test_a_record_missing_from_the_result_raises_naming_stage_and_gap(make_item) -> None:
    with pytest.raises(UnbalancedBooksError) as caught:
        StageResult(stage=Stage.CURATE, records=[make_item()], rejections=[], records_in=2)
    error = caught.value
    assert (error.records_in, error.expanded, error.out, error.rejected) == (2, 0, 1, 0)
    assert str(error) == (
        "stage curate (BenchmarkItem): books do not balance: in 2 + expanded 0 != out 1 + rejected 0 "
        "(1 record(s) unaccounted for)"
    )
    with pytest.raises(
        UnbalancedBooksError, match=r"stage extract \(BenchmarkItem\): .*\(1 record\(s\) too many\)"
    ):
        StageResult(stage=Stage.EXTRACT, records=[], rejections=[_rejection("y")], records_in=0)


def test_a_stage_name_outside_the_enum_is_refused(make_item) -> None:
    with pytest.raises(ValueError, match="'extract_exams' is not a valid Stage"):
        StageResult(stage="extract_exams", records=[make_item()], records_in=1)  # type: ignore[arg-type]


def test_books_count_expansion_from_what_each_input_made(make_item) -> None:
    items = [make_item(question=f"Which organ is number {n}?") for n in range(3)]
    books: Books[BenchmarkItem] = Books(Stage.SYNTHESIZE)
    books.book(items[:2], [_rejection("a#mcq")])  # one input made two items and a rejected third
    books.reject(_rejection("b"))  # one made only its rejection
    books.book([])  # one made nothing at all
    books.book([items[2]], consumed=2)  # two inputs together made one item (a paper and its key)
    assert (books.booked, books.expanded) == (5, 2 + 0 - 1 - 1)
    result = books.result(5, metadata={"note": "x"})
    assert (result.records_in, result.expanded, len(result.records), len(result.rejections)) == (5, 0, 3, 2)
    assert result.stage is Stage.SYNTHESIZE and result.metadata == {"note": "x"}


def test_books_raise_on_an_input_never_booked_or_a_record_lost_after_booking(make_item) -> None:
    items = [make_item(question=f"Which organ is number {n}?") for n in range(3)]
    books: Books[BenchmarkItem] = Books(Stage.EXTRACT)
    books.book(items)  # one document, three records: expanded 2
    assert books.result(1).expanded == 2
    with pytest.raises(UnbalancedBooksError, match="1 record"):
        books.result(2)  # the stage read a second document and booked nothing for it
    with pytest.raises(UnbalancedBooksError, match="1 record"):
        books.result(1, records=items[:2])  # a record dropped between booking and the result

"""Figure extraction on the eight real case-report PDFs, the stage's books, and bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pymupdf
import pytest

from extractors.figures import extract_figures, extract_figures_from_bytes, extract_figures_from_pdf
from schemas import BenchmarkSpec, ReasonCode, RecordError, SourceDocument, SourceSpec, Stage, sha256_hex

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", REPO.parent / "shared" / "fixtures"))
CASE_PDFS = FIXTURES / "pdfs" / "case_reports"


def _truth() -> dict[str, list[dict]]:
    path = CASE_PDFS / "figure_captions.json"
    if not path.exists():
        pytest.fail(f"fixture missing: {path} (set MEDFORGE_FIXTURES to the shared fixtures folder)")
    return json.loads(path.read_text(encoding="utf-8"))


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").lower()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    truth = _truth()
    image_dir = tmp_path_factory.mktemp("images")
    return {pmcid: extract_figures_from_pdf(CASE_PDFS / f"{pmcid}.pdf", image_dir) for pmcid in truth}


EXPECTED_COUNTS = {
    "PMC4735894": 3,
    "PMC4735918": 3,
    "PMC4735925": 3,
    "PMC4736389": 2,
    "PMC4736598": 2,
    "PMC4736802": 5,
    "PMC4736806": 9,
    "PMC4736807": 3,
}


@pytest.mark.parametrize("pmcid", sorted(EXPECTED_COUNTS))
def test_each_fixture_pdf_gives_its_figures_with_their_captions(pmcid: str, extracted: dict) -> None:
    found = extracted[pmcid]
    truth = _truth()[pmcid]
    assert len(found.figures) == EXPECTED_COUNTS[pmcid] == len(truth)
    assert [f.label for f in found.figures] == [t["label"] for t in truth]
    for figure, expected in zip(found.figures, truth, strict=True):
        assert _norm(figure.caption) == _norm(expected["caption"]), figure.label
    assert found.unpaired_captions == []


def test_captions_read_as_the_article_prints_them(extracted: dict) -> None:
    figures = {f.label: f for f in extracted["PMC4736802"].figures}
    assert figures["Figure 4"].caption == (
        "Postoperative anteroposterior radiograph showing complete excision of the ossification."
    )  # 'com- plete' in the PDF, rejoined
    assert figures["Figure 1"].page == 2 and figures["Figure 4"].page == 3
    labelled_only = extracted["PMC4736598"].figures
    assert [(f.label, f.caption) for f in labelled_only] == [("Figure 1", None), ("Figure 2", None)]


def test_multi_image_figures_are_one_figure_with_lettered_panels(extracted: dict) -> None:
    fig1 = extracted["PMC4736807"].figures[0]
    assert [p.letter for p in fig1.panels] == ["a", "b", "c", "d"]
    # panels in reading order: a top-left, b top-right, c bottom-left
    a, b, c, _ = (p.bbox for p in fig1.panels)
    assert a[0] < b[0] and abs(a[1] - b[1]) < 2 and c[1] > a[3] - 1
    assert all(p.image_path for p in fig1.panels)
    fig2 = extracted["PMC4736802"].figures[1]
    assert [p.letter for p in fig2.panels] == ["a", "b", "c"]
    # '(B)' and '(M)' name bone and marrow, not panels
    assert extracted["PMC4736802"].figures[4].panels == ()


def test_figures_keep_the_sentences_that_cite_them_and_their_quality(extracted: dict) -> None:
    fig2 = extracted["PMC4735894"].figures[1]
    assert fig2.context and all(re.search(r"Fig(ure)?s?\.?\s*\(?2", s) for s in fig2.context)
    for result in extracted.values():
        for figure in result.figures:
            assert figure.quality.width > 50 and figure.quality.height > 50
            assert figure.quality.blur_variance > 0
            assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{64}\.png", figure.image_path)
            assert figure.image_path.startswith(figure.image_sha256[:2])


def test_images_are_content_addressed_and_stable(tmp_path: Path) -> None:
    pdf = CASE_PDFS / "PMC4735918.pdf"
    first = extract_figures_from_pdf(pdf, tmp_path)
    second = extract_figures_from_pdf(pdf, tmp_path)
    assert [f.image_sha256 for f in first.figures] == [f.image_sha256 for f in second.figures]
    for figure in first.figures:
        data = (tmp_path / figure.image_path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and sha256_hex(data) == figure.image_sha256


def _document(raw_store: Path, name: str, data: bytes, media_type: str = "application/pdf") -> SourceDocument:
    digest = sha256_hex(data)
    (raw_store / digest).write_bytes(data)
    return SourceDocument(
        document_id=digest,
        source_id="case_pdfs",
        uri=f"file:///{name}",
        fetched_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        media_type=media_type,
        byte_size=len(data),
        licence="CC-BY-4.0",
        raw_path=digest,
        source_release_date=dt.date(2016, 1, 20),
    )


def _encrypted_pdf() -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="user", owner_pw="owner")
    doc.close()
    return data


def _real_pdf(pmcid: str) -> bytes:
    return (CASE_PDFS / f"{pmcid}.pdf").read_bytes()


BAD_INPUTS = {
    "zero-byte": (lambda: b"", ReasonCode.EMPTY_DOCUMENT),
    "text renamed .pdf": (lambda: b"Patient notes, not a PDF at all.\n" * 20, ReasonCode.UNSUPPORTED_MEDIA),
    "truncated": (lambda: _real_pdf("PMC4735918")[:40_000], ReasonCode.TRUNCATED_DOCUMENT),
    "encrypted": (_encrypted_pdf, ReasonCode.ENCRYPTED_DOCUMENT),
    "corrupt": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", ReasonCode.CORRUPT_DOCUMENT),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_files_are_refused_with_a_reason(case: str, tmp_path: Path) -> None:
    make, reason = BAD_INPUTS[case]
    with pytest.raises(RecordError) as caught:
        extract_figures_from_bytes(make(), f"{case}.pdf", tmp_path)
    assert caught.value.reason_code == reason
    assert f"{case}.pdf" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_stage_keeps_the_books_across_good_and_bad_documents(tmp_path: Path) -> None:
    raw_store = tmp_path / "raw"
    raw_store.mkdir()
    docs = [
        _document(raw_store, "PMC4735894.pdf", _real_pdf("PMC4735894")),
        _document(raw_store, "PMC4736806.pdf", _real_pdf("PMC4736806")),
        _document(raw_store, "notes.pdf", b"plain text, renamed"),
        _document(raw_store, "locked.pdf", _encrypted_pdf()),
        _document(raw_store, "page.html", b"<html></html>", media_type="text/html"),
    ]
    spec = BenchmarkSpec(
        benchmark="figures-test", sources=[SourceSpec(id="case_pdfs", kind="pdf", licence="CC-BY-4.0")]
    )
    result = extract_figures(spec, docs, raw_store, tmp_path / "images")
    assert result.records_in == 4  # the HTML page is not this stage's input
    assert len(result.records) == 12 and len(result.rejections) == 2
    assert result.expanded == (3 - 1) + (9 - 1)  # the two good PDFs; each bad one gives its rejection
    assert sorted(r.reason_code for r in result.rejections) == ["encrypted_document", "unsupported_media"]
    assert {r.source_uri for r in result.rejections} == {"file:///notes.pdf", "file:///locked.pdf"}
    notes = next(r for r in result.rejections if r.source_uri == "file:///notes.pdf")
    assert notes.stage == Stage.EXTRACT and notes.record_type == "SourceDocument"
    assert SourceDocument.model_validate_json(notes.payload) == docs[2]
    figure = next(f for f in result.records if f.label == "Figure 9")
    assert figure.caption == "The view of the restorations at one-year recall."
    assert figure.licence == "CC-BY-4.0" and figure.published == dt.date(2016, 1, 20)
    assert (tmp_path / "images" / figure.image_path).is_file()
    assert result.metadata["figures"] == 12 and result.metadata["unpaired_captions"] == 0
    again = extract_figures(spec, docs, raw_store, tmp_path / "images")
    assert [f.record_id for f in again.records] == [f.record_id for f in result.records]


def test_one_pdf_of_nine_figures_expands_the_stage_by_eight(tmp_path: Path) -> None:
    raw_store = tmp_path / "raw"
    raw_store.mkdir()
    docs = [_document(raw_store, "PMC4736806.pdf", _real_pdf("PMC4736806"))]
    spec = BenchmarkSpec(
        benchmark="figures-test", sources=[SourceSpec(id="case_pdfs", kind="pdf", licence="CC-BY-4.0")]
    )
    result = extract_figures(spec, docs, raw_store, tmp_path / "images")
    assert (result.records_in, result.expanded, len(result.records), len(result.rejections)) == (1, 8, 9, 0)
    assert result.counts()["in"] == 1 and result.counts()["out"] == 9

"""Benchmark items built from the shared real fixtures, for the review tests and benchmarks/bench_review.py.

Reads the fixtures folder of tests/conftest.py (`../shared/fixtures`, env MEDFORGE_FIXTURES overrides):
Revalida/ENAMED exam questions (single-answer MCQ, scraped), FrenchMedMCQA (multi-answer MCQ, marked
synthesized so the policy sends them all), case-report PDFs with their figure captions (VQA items with
a rendered page image) and Chinese clinical cases (case-diagnosis items). A missing fixture raises an
error naming the path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from schemas import (
    BenchmarkItem,
    ImageRef,
    ItemOrigin,
    Option,
    ProvenanceStep,
    ReleaseTime,
    SourceRef,
    Stage,
    TaskType,
)
from tests.conftest import fixtures_root


def fixtures_dir() -> Path:
    """The shared fixtures folder; fails naming the path when it is missing."""
    path = fixtures_root()
    if not path.is_dir():
        raise FileNotFoundError(f"fixtures not found at {path} (set MEDFORGE_FIXTURES)")
    return path


def _item(**fields: object) -> BenchmarkItem:
    images = fields.get("images") or []
    fields["item_id"] = BenchmarkItem.make_id(
        fields["task"], fields["language"], fields["question"], fields.get("options"),  # type: ignore[arg-type]
        fields.get("answers"), [i.sha256 for i in images],  # type: ignore[union-attr,arg-type]
    )  # fmt: skip
    return BenchmarkItem.model_validate(fields)


def exam_items(limit: int | None = None) -> list[BenchmarkItem]:
    """Single-answer MCQs from the Brazilian licensing exams (pt-BR, scraped), not annulled, no image."""
    folder = fixtures_dir() / "exams" / "medbench_brasil"
    items: list[BenchmarkItem] = []
    for path in sorted(folder.glob("*.json")):
        edition = json.loads(path.read_text(encoding="utf-8"))
        for q in edition["questions"]:
            if q.get("annulled") or q.get("hasImage") or q.get("correct") not in q["options"]:
                continue
            items.append(
                _item(
                    source_key=f"{q['id']}",
                    task=TaskType.MCQ_SINGLE,
                    language="pt-BR",
                    question=q["stem"],
                    options=[Option(label=k, text=v) for k, v in sorted(q["options"].items())],
                    answers=[q["correct"]],
                    release_time=ReleaseTime(year=edition.get("year")),
                    source=SourceRef(
                        source_id="medbench-brasil", uri=str(edition.get("source") or path.name)
                    ),
                    licence="Apache-2.0",
                    origin=ItemOrigin.SCRAPED,
                    provenance=[ProvenanceStep(stage=Stage.EXTRACT, tool="fixture", version="1")],
                )  # fmt: skip
            )
    return items[:limit] if limit else items


def french_items(limit: int | None = None) -> list[BenchmarkItem]:
    """Single- and multi-answer MCQs from FrenchMedMCQA (fr), marked synthesized."""
    items: list[BenchmarkItem] = []
    for split in ("dev", "test"):
        path = fixtures_dir() / "exams" / "frenchmedmcqa" / f"{split}.json"
        for q in json.loads(path.read_text(encoding="utf-8")):
            answers = sorted(a.upper() for a in q["correct_answers"])
            items.append(
                _item(
                    source_key=f"frenchmedmcqa:{q['id']}",
                    task=TaskType.MCQ_MULTI if len(answers) > 1 else TaskType.MCQ_SINGLE,
                    language="fr",
                    question=q["question"],
                    options=[Option(label=k.upper(), text=v) for k, v in sorted(q["answers"].items())],
                    answers=answers,
                    source=SourceRef(source_id="frenchmedmcqa", uri=f"{path.name}#{q['id']}"),
                    licence="Apache-2.0",
                    origin=ItemOrigin.SYNTHESIZED,
                    provenance=[ProvenanceStep(stage=Stage.SYNTHESIZE, tool="fixture", version="1")],
                )  # fmt: skip
            )
    return items[:limit] if limit else items


def case_items(limit: int | None = None) -> list[BenchmarkItem]:
    """Case-diagnosis items from the Chinese clinical cases: case text, diagnosis and three distractors."""
    path = fixtures_dir() / "case_reports" / "zh" / "cmb-clin-test-qa.json"
    cases = json.loads(path.read_text(encoding="utf-8"))
    titles = [c["title"].split("-", 1)[-1] for c in cases]
    items: list[BenchmarkItem] = []
    for index, case in enumerate(cases):
        distractors = [titles[(index + k) % len(titles)] for k in (1, 2, 3)]
        choices = sorted([titles[index], *distractors])
        labels = "ABCD"
        items.append(
            _item(
                source_key=f"cmb-clin:{case['id']}",
                task=TaskType.MCQ_SINGLE,
                language="zh-Hans",
                question=case["description"] + "\n\n最可能的诊断是？",
                options=[Option(label=labels[i], text=t) for i, t in enumerate(choices)],
                answers=[labels[choices.index(titles[index])]],
                source=SourceRef(source_id="cmb-clin", uri=f"{path.name}#{case['id']}"),
                licence="Apache-2.0",
                origin=ItemOrigin.SYNTHESIZED,
                provenance=[ProvenanceStep(stage=Stage.SYNTHESIZE, tool="case_diagnosis", version="1")],
            )  # fmt: skip
        )
    return items[:limit] if limit else items


def vqa_items(image_root: Path, limit: int | None = None) -> list[BenchmarkItem]:
    """VQA items from the case-report PDFs: the page of each figure, its caption, a question about it."""
    import pymupdf

    folder = fixtures_dir() / "pdfs" / "case_reports"
    raw = json.loads((folder / "figure_captions.json").read_text(encoding="utf-8"))
    captions = {p: [f for f in fs if f.get("caption")] for p, fs in raw.items()}
    captions = {p: fs for p, fs in captions.items() if fs}
    image_root.mkdir(parents=True, exist_ok=True)
    items: list[BenchmarkItem] = []
    for pmcid, figures in sorted(captions.items()):
        with pymupdf.open(folder / f"{pmcid}.pdf") as doc:
            png = doc[0].get_pixmap(dpi=40).tobytes("png")
        digest = hashlib.sha256(png).hexdigest()
        (image_root / f"{digest}.png").write_bytes(png)
        others = [f["caption"] for p, fs in sorted(captions.items()) if p != pmcid for f in fs[:1]]
        figure = figures[0]
        choices = sorted([figure["caption"], *others[:3]])
        labels = "ABCD"
        items.append(
            _item(
                source_key=f"{pmcid}:{figure['id']}",
                task=TaskType.VQA,
                language="en",
                question=f"Which caption belongs to {figure['label']} of this case report?",
                options=[Option(label=labels[i], text=c) for i, c in enumerate(choices)],
                answers=[labels[choices.index(figure["caption"])]],
                images=[ImageRef(path=f"{digest}.png", sha256=digest, caption=figure["caption"])],
                source=SourceRef(source_id="case-pdfs", uri=f"{pmcid}.pdf"),
                licence="CC-BY-4.0",
                origin=ItemOrigin.SYNTHESIZED,
                provenance=[ProvenanceStep(stage=Stage.SYNTHESIZE, tool="figure_vqa", version="1")],
            )  # fmt: skip
        )
    return items[:limit] if limit else items

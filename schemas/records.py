"""The records that flow through medforge: raw documents, intermediate records, items, rejections.

Every record is a frozen pydantic model with a matching Arrow schema (see `schemas.arrow`), so the
same definition validates in Python and types the Parquet files of a release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.enums import (
    Disposition,
    ItemOrigin,
    ReviewStatus,
    Stage,
    TaskType,
    Vocabulary,
)
from schemas.ids import canonical_json, content_id

NonEmptyStr = Annotated[str, Field(min_length=1)]


class Record(BaseModel):
    """Base of every medforge record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class SourceDocument(Record):
    """A fetched or ingested raw document with its provenance; raw bytes live content-addressed."""

    document_id: str = Field(description="sha256 of the raw bytes; also the content address")
    source_id: str = Field(description="id of the source in the benchmark spec")
    uri: str = Field(description="URL it was fetched from, or the local path it was read from")
    fetched_at: dt.datetime = Field(description="when it was fetched (UTC); not part of any hash")
    media_type: str = Field(description="IANA media type, e.g. text/html, application/pdf")
    byte_size: int
    licence: str = Field(description="SPDX-like licence id or the licence text as found")
    source_release_date: dt.date | None = Field(
        default=None, description="the source's own release/publication date, when known"
    )
    raw_path: str = Field(description="path of the raw bytes relative to the raw store root")
    title: str | None = None
    edition_year: int | None = Field(default=None, description="exam edition year, if any")
    edition_session: str | None = Field(default=None, description="exam session, e.g. '1', 'spring'")


class Option(Record):
    """One answer option of a multiple-choice item."""

    label: NonEmptyStr
    text: str


class ImageRef(Record):
    """An image an item shows; `path` is relative to the release's `images/` folder."""

    path: str
    sha256: str
    caption: str | None = None


class TaxonomyTag(Record):
    """One tag from one vocabulary, with the tagger that set it and how sure it was."""

    vocabulary: Vocabulary
    code: str
    title: str
    confidence: float = Field(ge=0.0, le=1.0)
    tagger: str
    level: str | None = Field(default=None, description="hierarchy level, e.g. chapter, block")
    primary: bool = Field(
        default=False,
        description="the one ICD-10 code an item is about (its answer's diagnosis); other codes are "
        "secondary mentions",
    )


class ReleaseTime(Record):
    """When the item's source was released: exam edition or publication date (EMPEC-style)."""

    year: int | None = None
    session: str | None = None
    published: dt.date | None = None


class SourceRef(Record):
    """Where an item came from."""

    source_id: str
    uri: str
    document_id: str | None = None
    title: str | None = None


class ProvenanceStep(Record):
    """One step in an item's making: which stage, which tool and version, which prompt."""

    stage: Stage
    tool: str
    version: str
    record_id: str | None = None
    prompt_version: str | None = None
    model: str | None = None


class Flag(Record):
    """A finding about an item (leakage, low confidence, ...) with its evidence."""

    kind: str
    method: str
    score: float | None = None
    evidence: str | None = None


class ReviewEvent(Record):
    """One reviewer action on an item: the audit trail of review."""

    reviewer: str
    at: dt.datetime
    verdict: str
    changes: str | None = Field(default=None, description="JSON of field -> [old, new]")
    comment: str | None = None


class BenchmarkItem(Record):
    """One released benchmark item: the row of a release's split Parquet files."""

    item_id: str = Field(description="stable id derived from the item's content")
    source_key: str = Field(description="stable id of the origin record (doc + locator); diff matches on it")
    task: TaskType
    language: str = Field(description="BCP 47 tag: en, pt-BR, zh-Hans, ...")
    question: str
    options: list[Option] = Field(default_factory=list)
    answers: list[str] = Field(
        default_factory=list, description="option labels for MCQ/VQA-MCQ, free text for open-ended"
    )
    explanation: str | None = None
    images: list[ImageRef] = Field(default_factory=list)
    tags: list[TaxonomyTag] = Field(default_factory=list)
    release_time: ReleaseTime = Field(default_factory=ReleaseTime)
    source: SourceRef
    licence: str
    origin: ItemOrigin
    provenance: list[ProvenanceStep] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    review_status: ReviewStatus = ReviewStatus.UNREVIEWED
    review_events: list[ReviewEvent] = Field(default_factory=list)
    split: str = "unassigned"
    parallel_group: str | None = Field(default=None, description="shared by an original and its translations")

    @staticmethod
    def make_id(
        task: TaskType | str,
        language: str,
        question: str,
        options: list[Option] | None = None,
        answers: list[str] | None = None,
        image_hashes: list[str] | None = None,
    ) -> str:
        """The content-derived item id: same content, same id, in every rebuild."""
        return "itm-" + content_id(
            {
                "task": str(task),
                "language": language,
                "question": question,
                "options": [[o.label, o.text] for o in options or []],
                "answers": sorted(answers or []),
                "images": sorted(image_hashes or []),
            }
        )

    @model_validator(mode="after")
    def _id_matches_content(self) -> BenchmarkItem:
        expected = self.make_id(
            self.task,
            self.language,
            self.question,
            self.options,
            self.answers,
            [i.sha256 for i in self.images],
        )
        if self.item_id != expected:
            raise ValueError(f"item_id {self.item_id} does not match its content ({expected})")
        return self

    def with_changes(self, **changes: Any) -> BenchmarkItem:
        """A copy with fields changed and the id recomputed (content edits give a new id)."""
        data = self.model_dump()
        data.update(changes)
        data["item_id"] = self.make_id(
            data["task"],
            data["language"],
            data["question"],
            [Option.model_validate(o) for o in data["options"]],
            data["answers"],
            [ImageRef.model_validate(i).sha256 for i in data["images"]],
        )
        return BenchmarkItem.model_validate(data)


class ExamQuestion(Record):
    """A question as an exam source printed it, before normalisation into an item."""

    record_id: str
    document_id: str
    source_id: str
    uri: str
    exam: str = Field(description="exam name, e.g. 'Revalida'")
    edition_year: int | None = None
    edition_session: str | None = None
    published: dt.date | None = None
    number: int | None = None
    language: str
    stem: str
    options: list[Option] = Field(default_factory=list)
    answers: list[str] = Field(default_factory=list)
    explanation: str | None = None
    annulled: bool = False
    needs_image: bool = False
    source_labels: list[str] = Field(
        default_factory=list, description="the source's own subject/specialty labels"
    )
    licence: str
    image_evidence: str | None = Field(
        default=None, description="why the question needs an image: the mapped flag or the stem's phrase"
    )
    image_refs: list[str] = Field(
        default_factory=list, description="image paths or URLs the source gives for the question"
    )
    images: list[ImageRef] = Field(
        default_factory=list,
        description="the question's images found on disk (image_root), content-addressed",
    )
    depends_on_previous: bool = Field(
        default=False, description="the stem refers to the previous question ('承上題', 'the same patient')"
    )
    answer_note: str | None = Field(
        default=None, description="how the key was read when it was not a plain label (alternatives, text)"
    )
    locator: str | None = Field(default=None, description="where in its file: 'row 12, question 7'")
    raw_row: str | None = Field(default=None, description="JSON of the row as the file gave it")


class FigureRef(Record):
    """A figure as a text source names it: label and caption (no pixels)."""

    label: str | None
    caption: str
    figure_id: str | None = None


class CaseReport(Record):
    """An open-access case report parsed from JATS XML, journal HTML or PDF."""

    record_id: str
    document_id: str
    source_id: str
    uri: str
    pmcid: str | None = None
    doi: str | None = None
    title: str
    article_type: str | None = None
    published: dt.date | None = None
    licence: str
    language: str = "en"
    abstract: str | None = None
    case_presentation: str | None = None
    diagnosis: str | None = None
    diagnosis_found_in: str | None = Field(
        default=None, description="where the diagnosis was read: section, title, abstract, ..."
    )
    figures: list[FigureRef] = Field(default_factory=list)
    figure_mentions: list[str] = Field(default_factory=list, description="sentences that refer to figures")
    patient: str | None = Field(
        default=None,
        description="which patient of a multi-patient article this record is ('Case 2', 'Patient B'); "
        "None when the article presents one",
    )


class Panel(Record):
    """One sub-figure of a multi-panel figure."""

    letter: str
    bbox: list[float]
    image_path: str | None = None
    caption: str | None = Field(default=None, description="the panel's own words in the figure caption")


class ImageQuality(Record):
    """Pixel-level facts about a figure image, measured with OpenCV."""

    width: int
    height: int
    blur_variance: float | None = Field(default=None, description="variance of the Laplacian")


class Figure(Record):
    """A figure cut from a PDF page with its caption, panels and the text that refers to it."""

    record_id: str
    document_id: str
    source_id: str
    uri: str
    page: int = Field(ge=1, description="1-based page number")
    bbox: list[float] = Field(description="x0, y0, x1, y1 in PDF points")
    label: str | None = None
    caption: str | None = None
    image_path: str = Field(description="content-addressed path of the cropped image")
    image_sha256: str
    panels: list[Panel] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    quality: ImageQuality | None = None
    licence: str
    language: str = "en"
    published: dt.date | None = None


class Rejection(Record):
    """A record that did not go on, with the stage, a reason code and a message; nothing is lost.

    Build one with `Rejection.of`, which makes every stage say where the record was and what it held.
    """

    record_id: str
    record_type: str = Field(description="model name of the record, e.g. BenchmarkItem")
    stage: Stage
    reason_code: str
    message: str
    disposition: Disposition = Disposition.REJECTED
    source_uri: str | None = Field(default=None, description="file or URL the record came from")
    locator: str | None = Field(
        default=None, description="where in that file: 'page 3', 'row 12', 'question 7', a candidate key"
    )
    cluster_id: str | None = None
    payload: str | None = Field(default=None, description="JSON of the record, when there is one")

    @classmethod
    def of(
        cls,
        stage: Stage,
        record_id: str,
        record_type: str,
        reason: str,
        message: str,
        *,
        uri: str | None,
        payload: Record | Mapping[str, Any] | str | None,
        locator: str | None = None,
        disposition: Disposition = Disposition.REJECTED,
        cluster_id: str | None = None,
    ) -> Rejection:
        """The one way a stage writes a rejection: `uri` and `payload` are required (None only where the
        stage never read anything, such as a failed fetch) so no stage forgets where a record was or what
        it held; a record or mapping payload is stored as its JSON."""
        if isinstance(payload, Record):
            payload = payload.model_dump_json()
        elif isinstance(payload, Mapping):
            payload = canonical_json(dict(payload))
        return cls(
            record_id=record_id,
            record_type=record_type,
            stage=Stage(stage),
            reason_code=str(reason),
            message=message,
            disposition=disposition,
            source_uri=uri,
            locator=locator,
            cluster_id=cluster_id,
            payload=payload,
        )


RECORD_TYPES: dict[str, type[Record]] = {
    cls.__name__: cls for cls in (SourceDocument, ExamQuestion, CaseReport, Figure, BenchmarkItem, Rejection)
}

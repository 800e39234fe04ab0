"""The synthesis and translation stage entry points: every record becomes items or a rejection.

`synthesize_items` turns exam questions (normalised pass-through), figures (VQA) and case reports
(diagnosis items) into benchmark items; `translate_items` adds translations. With backend `none`
everything is deterministic and offline; with an LLM, replies are cached by content so a rebuild is
too. The books balance: one input may make several items (`expanded`), or one rejection naming why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from schemas import (
    BenchmarkItem,
    BenchmarkSpec,
    Books,
    CaseReport,
    Disposition,
    ExamQuestion,
    Figure,
    ItemOrigin,
    ReasonCode,
    Record,
    RecordError,
    Rejection,
    Stage,
    StageResult,
    Vocabulary,
)
from schemas.progress import track
from synthesis import case_items, figure_vqa
from synthesis.checks import check_item
from synthesis.exam_items import exam_question_to_item
from synthesis.items import Candidate
from synthesis.llm.base import LLMBackend, LLMError
from synthesis.llm.client import LLMClient
from synthesis.llm.factory import backend_from_spec, client_from_spec, spec_cache_dir
from synthesis.translate import (
    llm_translation,
    opencc_config,
    opencc_translation,
    parallel_group,
    same_language,
)
from synthesis.vocab import TermIndex, resolve_vocabularies

QUARANTINE_CODES = frozenset({ReasonCode.LLM_ERROR.value, ReasonCode.INVALID_LLM_OUTPUT.value})
T = TypeVar("T")
R = TypeVar("R")


InputRecord = ExamQuestion | Figure | CaseReport  # what synthesis reads


def _rejection(
    stage: Stage,
    record_id: str,
    record_type: str,
    uri: str | None,
    error: RecordError,
    payload: Record,
    locator: str | None = None,
) -> Rejection:
    """The rejection of an error: LLM trouble is quarantined for a second look, the rest rejected."""
    code = str(error.reason_code)
    disposition = Disposition.QUARANTINED if code in QUARANTINE_CODES else Disposition.REJECTED
    return Rejection.of(
        stage,
        record_id,
        record_type,
        code,
        str(error),
        uri=uri,
        locator=locator,
        payload=payload,
        disposition=disposition,
    )


def _where(record: InputRecord) -> str | None:
    """Where in its document an input record sits, when the record knows."""
    if isinstance(record, Figure):
        return f"page {record.page}"
    if isinstance(record, ExamQuestion) and record.locator:
        return record.locator
    if isinstance(record, ExamQuestion) and record.number is not None:
        return f"question {record.number}"
    return None


def _reject(
    books: Books[BenchmarkItem], record: InputRecord, error: RecordError, quarantine: bool = False
) -> None:
    """Book an input record that made no item, with the record (its raw row, for exam questions) as
    its payload."""
    rejection = _rejection(
        books.stage, record.record_id, type(record).__name__, record.uri, error, record, _where(record)
    )
    if quarantine:
        rejection = rejection.model_copy(update={"disposition": Disposition.QUARANTINED})
    books.reject(rejection)


def _book_candidates(
    books: Books[BenchmarkItem],
    by_generator: Counter[str],
    record: InputRecord,
    generator: str,
    candidates: list[Candidate],
) -> None:
    """Book what one input made: each candidate is an item, or a rejection of the item (when there is
    one to keep as payload) or of the input record."""
    items: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    where = _where(record)
    for candidate in candidates:
        if candidate.item is not None and candidate.error is None:
            items.append(candidate.item)
            by_generator[f"{generator}.{candidate.key.split('.')[0]}"] += 1
            continue
        error = candidate.error or RecordError(
            ReasonCode.INTERNAL_ERROR, "candidate with neither item nor error"
        )
        if candidate.item is not None:
            locator = ", ".join(part for part in (where, f"candidate {candidate.key}") if part)
            rejections.append(
                _rejection(
                    books.stage,
                    f"{record.record_id}#{candidate.key}",
                    "BenchmarkItem",
                    record.uri,
                    error,
                    candidate.item,
                    locator,
                )
            )
        else:
            rejections.append(
                _rejection(
                    books.stage, record.record_id, type(record).__name__, record.uri, error, record, where
                )
            )
    books.book(items, rejections)


def _map(
    function: Callable[[T], R], inputs: Sequence[T], client: LLMClient | None, workers: int, description: str
) -> list[R]:
    """`function` over inputs, in order, with progress; threads only when an LLM is waited on."""
    if client is None or workers <= 1 or len(inputs) <= 1:
        return list(track((function(x) for x in inputs), description, total=len(inputs)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(track(pool.map(function, inputs), description, total=len(inputs)))


def _figure_candidates(
    figure: Figure, indexes: dict[Vocabulary, TermIndex], client: LLMClient | None, spec: BenchmarkSpec
) -> tuple[list[Candidate], dict[str, str]]:
    settings = spec.synthesis
    if not (figure.caption or "").strip():
        return [Candidate("figure", error=RecordError(ReasonCode.MISSING_FIELD, "figure has no caption"))], {}
    if client is not None:
        return figure_vqa.llm_candidates(figure, client, n_options=settings.n_options, seed=spec.seed), {}
    candidates, skipped = figure_vqa.template_candidates(
        figure, indexes, n_options=settings.n_options, seed=spec.seed
    )
    if not candidates:
        code = (
            ReasonCode.AMBIGUOUS_ANSWER
            if ReasonCode.AMBIGUOUS_ANSWER.value in skipped.values()
            else ReasonCode.NO_ITEM_GENERATED
        )
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        candidates = [Candidate("figure", error=RecordError(code, f"no template question fits ({detail})"))]
    return candidates, skipped


def synthesize_items(
    spec: BenchmarkSpec,
    exam_questions: Sequence[ExamQuestion],
    case_reports: Sequence[CaseReport],
    figures: Sequence[Figure],
    *,
    llm: LLMBackend | None = None,
    vocabularies: Mapping[Vocabulary | str, Any] | None = None,
    embedder: Any = None,
    cache_dir: Path | None = None,
) -> StageResult[BenchmarkItem]:
    """Items from every extracted record.

    `llm` overrides the backend named in `spec.synthesis` (a missing API key fails here, before any
    input is read). `vocabularies` maps modality/anatomy/icd10 to other vocabularies (a table or any
    object with `terms`); missing ones are the shared tables of the `vocabulary` package.
    `embedder` (an `embeddings.TextEmbedder`) ranks ICD-10 distractors; by default the offline MiniLM
    encoder, loaded only when case reports need it. `cache_dir` holds LLM replies and distractor
    vectors when the spec's `synthesis.cache_dir` names none (a rebuild then replays them).
    """
    settings = spec.synthesis
    cache_dir = spec_cache_dir(spec, cache_dir)
    backend = llm if llm is not None else backend_from_spec(settings)
    client = client_from_spec(spec, backend, cache_dir)
    books: Books[BenchmarkItem] = Books(Stage.SYNTHESIZE)
    by_generator: Counter[str] = Counter()
    skipped: Counter[str] = Counter()

    image_policy = settings.exam_images
    for question in track(exam_questions, "exam items", unit="questions"):
        try:
            item = exam_question_to_item(question, image_policy)
            check_item(item, generated=False)
        except RecordError as error:
            quarantine = image_policy == "quarantine" and error.reason_code == ReasonCode.NEEDS_IMAGE
            _reject(books, question, error, quarantine)
            continue
        books.book([item])
        by_generator["exam_items"] += 1

    indexes = resolve_vocabularies(vocabularies) if (figures or case_reports) else {}
    given = {str(k) for k in (vocabularies or {})}
    vocab_sources = {str(v): ("given" if str(v) in given else "shared") for v in indexes}

    if settings.figure_vqa:
        outcomes = _map(
            lambda f: _figure_candidates(f, indexes, client, spec),
            figures,
            client,
            settings.concurrency,
            "figure questions",
        )
        for figure, (candidates, figure_skipped) in zip(figures, outcomes, strict=True):
            _book_candidates(books, by_generator, figure, "figure_vqa", candidates)
            skipped.update(f"{qtype}:{reason}" for qtype, reason in figure_skipped.items())
    else:
        for figure in figures:
            _reject(
                books,
                figure,
                RecordError(ReasonCode.NO_ITEM_GENERATED, "figure VQA is off in spec.synthesis"),
            )

    embedder_name = None
    if settings.case_diagnosis:
        use_llm = settings.case_distractors == "llm" and client is not None
        neighbours = None
        if case_reports and not use_llm:
            if embedder is None:
                from embeddings import default_encoder

                embedder = default_encoder()
            embedder_name = getattr(embedder, "name", type(embedder).__name__)
            neighbours = case_items.IcdNeighbours(indexes[Vocabulary.ICD10], embedder, cache_dir)
            neighbours.prime([case_items.clean_diagnosis(r.diagnosis) for r in case_reports if r.diagnosis])
        outcomes_cases = _map(
            lambda r: case_items.case_candidates(
                r,
                icd=indexes[Vocabulary.ICD10],
                neighbours=neighbours,
                client=client,
                use_llm_distractors=use_llm,
                n_options=settings.n_options,
                seed=spec.seed,
            ),
            case_reports,
            client,
            settings.concurrency,
            "case questions",
        )
        for report, candidates in zip(case_reports, outcomes_cases, strict=True):
            _book_candidates(books, by_generator, report, "case_items", candidates)
    else:
        for report in case_reports:
            _reject(
                books,
                report,
                RecordError(ReasonCode.NO_ITEM_GENERATED, "case diagnosis items are off in spec.synthesis"),
            )

    records_in = len(exam_questions) + len(case_reports) + len(figures)
    metadata: dict[str, Any] = {
        "backend": backend.name,
        "model": backend.model,
        "items_by_generator": dict(sorted(by_generator.items())),
        "skipped_questions": dict(sorted(skipped.items())),
        "rejections_by_reason": dict(sorted(Counter(r.reason_code for r in books.rejections).items())),
        "vocabularies": vocab_sources,
        "embedder": embedder_name,
        "tool_versions": {
            "exam_items": "1",
            "figure_vqa": figure_vqa.TOOL_VERSION,
            "case_items": case_items.TOOL_VERSION,
        },
        **(client.stats.as_metadata() if client else _no_llm_stats()),
    }
    return books.result(
        records_in,
        sorted(books.records, key=lambda i: (i.item_id, i.source_key)),
        sorted(books.rejections, key=lambda r: (r.record_id, r.reason_code)),
        metadata,
    )


def _no_llm_stats() -> dict[str, Any]:
    return {
        "llm_calls": 0,
        "cache_hits": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "repairs": 0,
        "prompt_versions": [],
        "models": [],
        "llm_failures": {},
    }


def translate_items(
    spec: BenchmarkSpec,
    items: Sequence[BenchmarkItem],
    *,
    llm: LLMBackend | None = None,
    embedder: Any = None,
    cache_dir: Path | None = None,
) -> StageResult[BenchmarkItem]:
    """Items plus their translations into `spec.translation.targets`.

    Chinese script pairs go through OpenCC; other pairs need an LLM backend (without one they are
    counted under `skipped` and the original goes on alone). Originals that get a translation gain
    its `parallel_group`. A failed translation is a rejection (LLM trouble: quarantined).
    """
    targets = list(spec.translation.targets)
    needs_llm = any(
        opencc_config(item, t) is None and not same_language(item.language, t)
        for item in items
        if item.origin != ItemOrigin.TRANSLATED
        for t in targets
    )
    backend = llm if llm is not None else (backend_from_spec(spec.synthesis) if needs_llm else None)
    client = client_from_spec(spec, backend, spec_cache_dir(spec, cache_dir)) if backend is not None else None

    jobs: list[tuple[int, str, str]] = []  # (item index, target, "opencc:<config>" or "llm")
    skipped: Counter[str] = Counter()
    for index, item in enumerate(items):
        if item.origin == ItemOrigin.TRANSLATED:
            continue
        for target in targets:
            if same_language(item.language, target):
                continue
            config = opencc_config(item, target)
            if config:
                jobs.append((index, target, f"opencc:{config}"))
            elif client is not None:
                jobs.append((index, target, "llm"))
            else:
                skipped[f"{item.language}->{target}:no_llm_backend"] += 1

    if any(method == "llm" for _, _, method in jobs) and embedder is None:
        from embeddings import default_encoder

        embedder = default_encoder()
    threshold = spec.translation.min_back_translation_similarity

    def run(job: tuple[int, str, str]) -> BenchmarkItem | RecordError:
        index, target, method = job
        try:
            if method == "llm":
                return llm_translation(items[index], target, client, embedder, threshold)
            return opencc_translation(items[index], target, method.split(":", 1)[1])
        except LLMError as error:
            return RecordError(error.reason_code, str(error))
        except RecordError as error:
            return error

    outcomes = _map(run, jobs, client, spec.synthesis.concurrency, "translations")
    originals = list(items)
    translations: list[BenchmarkItem] = []
    rejections: list[Rejection] = []
    by_method: Counter[str] = Counter()
    for (index, target, method), outcome in zip(jobs, outcomes, strict=True):
        original = items[index]
        if isinstance(outcome, BenchmarkItem):
            translations.append(outcome)
            by_method[method] += 1
            if originals[index].parallel_group is None:
                originals[index] = originals[index].model_copy(
                    update={"parallel_group": parallel_group(original)}
                )
        else:
            rejections.append(
                _rejection(
                    Stage.TRANSLATE,
                    f"{original.item_id}@{target}",
                    "BenchmarkItem",
                    original.source.uri,
                    outcome,
                    original,
                )
            )
    flagged = sum(1 for t in translations if any(f.kind == "weak_translation" for f in t.flags))
    metadata: dict[str, Any] = {
        "targets": targets,
        "translated": len(translations),
        "translated_by_method": dict(sorted(by_method.items())),
        "skipped": dict(sorted(skipped.items())),
        "weak_translations_flagged": flagged,
        "min_back_translation_similarity": threshold,
        "rejections_by_reason": dict(sorted(Counter(r.reason_code for r in rejections).items())),
        "embedder": getattr(embedder, "name", None) if embedder is not None else None,
        **(client.stats.as_metadata() if client else _no_llm_stats()),
    }
    return StageResult(
        stage=Stage.TRANSLATE,
        records=sorted([*originals, *translations], key=lambda i: (i.item_id, i.source_key)),
        rejections=rejections,
        records_in=len(items),
        expanded=len(jobs),
        metadata=metadata,
    )

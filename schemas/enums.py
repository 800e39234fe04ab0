"""Closed vocabularies shared by every stage: task kinds, review states, stages, reason codes."""

from __future__ import annotations

from enum import StrEnum


class TaskType(StrEnum):
    """What a benchmark item asks of a model."""

    MCQ_SINGLE = "mcq_single"
    MCQ_MULTI = "mcq_multi"
    OPEN_ENDED = "open_ended"
    VQA = "vqa"


class ItemOrigin(StrEnum):
    """How an item came to be; the dedup representative rule and the review policy read it."""

    SCRAPED = "scraped"
    IMPORTED = "imported"
    SYNTHESIZED = "synthesized"
    TRANSLATED = "translated"


class ReviewStatus(StrEnum):
    """Where an item stands in expert review."""

    UNREVIEWED = "unreviewed"
    PENDING = "pending"
    ACCEPTED = "accepted"
    FIXED = "fixed"
    REJECTED = "rejected"
    DISPUTED = "disputed"


class Vocabulary(StrEnum):
    """The taxonomies an item can be tagged with."""

    ICD10 = "icd10"
    MODALITY = "modality"
    ANATOMY = "anatomy"
    SPECIALTY = "specialty"
    PROFESSION = "profession"


class Stage(StrEnum):
    """Pipeline stages, in order; every rejection names the one that made it."""

    INGEST = "ingest"
    EXTRACT = "extract"
    SYNTHESIZE = "synthesize"
    TRANSLATE = "translate"
    TAG = "tag"
    CURATE = "curate"
    REVIEW = "review"
    RELEASE = "release"


class Disposition(StrEnum):
    """What happened to a record that did not go on: rejected for good, or quarantined for a look."""

    REJECTED = "rejected"
    QUARANTINED = "quarantined"


class ReasonCode(StrEnum):
    """Why a record did not go on. Stages may add codes here; reports group by them."""

    FETCH_FAILED = "fetch_failed"
    HTTP_ERROR = "http_error"
    ROBOTS_DISALLOWED = "robots_disallowed"
    REDIRECT_LOOP = "redirect_loop"
    TIMEOUT = "timeout"
    NOT_A_CASE_REPORT = "not_a_case_report"
    LICENCE_NOT_ALLOWED = "licence_not_allowed"
    UNSUPPORTED_MEDIA = "unsupported_media"
    CORRUPT_DOCUMENT = "corrupt_document"
    ENCRYPTED_DOCUMENT = "encrypted_document"
    EMPTY_DOCUMENT = "empty_document"
    TRUNCATED_DOCUMENT = "truncated_document"
    RESOURCE_LIMIT = "resource_limit"
    DECODE_ERROR = "decode_error"
    PARSE_ERROR = "parse_error"
    MISSING_FIELD = "missing_field"
    ANNULLED = "annulled"
    NEEDS_IMAGE = "needs_image"
    ANSWER_NOT_IN_OPTIONS = "answer_not_in_options"
    DUPLICATE_OPTIONS = "duplicate_options"
    ANSWER_IN_STEM = "answer_in_stem"
    LANGUAGE_MISMATCH = "language_mismatch"
    LLM_ERROR = "llm_error"
    INVALID_LLM_OUTPUT = "invalid_llm_output"
    NO_ITEM_GENERATED = "no_item_generated"
    UNSUPPORTED_ANSWER = "unsupported_answer"
    ANSWER_COUNT_MISMATCH = "answer_count_mismatch"
    SUSPICIOUS_KEY = "suspicious_key"
    SUSPICIOUS_OPTIONS = "suspicious_options"
    AMBIGUOUS_ANSWER = "ambiguous_answer"
    EXACT_DUPLICATE = "exact_duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    SEMANTIC_DUPLICATE = "semantic_duplicate"
    LEAKED = "leaked"
    CROSS_SPLIT_DUPLICATE = "cross_split_duplicate"
    REVIEW_REJECTED = "review_rejected"
    CONTRACT_FAILED = "contract_failed"
    TOO_SHORT = "too_short"
    INTERNAL_ERROR = "internal_error"

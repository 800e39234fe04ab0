"""One config object for the dedup family; its string form names how a result was made."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from curation.paraphrase import DEFAULT_MODEL as PARAPHRASE_MODEL
from curation.paraphrase import ParaphraseModel
from embeddings import DEFAULT_MODEL
from schemas import SpecError


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds and shapes of exact, MinHash and semantic dedup and of the leakage checks.

    Set from `spec.curation.options` (and `spec.leakage.options`); unknown keys are refused.
    """

    shingle: Literal["char", "word"] = "char"
    """MinHash shingles: character n-grams (robust on short items) or word n-grams."""
    shingle_size: int = 5
    """Characters (or words) per shingle."""
    num_perm: int = 128
    """MinHash signature length; must equal bands * rows."""
    bands: int = 32
    """LSH bands; with `rows` they set the candidate threshold, about (1/bands) ** (1/rows)."""
    rows: int = 4
    """Signature rows per LSH band."""
    minhash_threshold: float = 0.6
    """Verified shingle Jaccard at or above which a candidate pair is a near duplicate."""
    minhash_backend: Literal["rensa", "numpy"] = "rensa"
    """Who computes the MinHash signatures: rensa (Rust, the default) or the numpy fallback."""
    semantic_model: str = DEFAULT_MODEL
    """sentence-transformers model name or path (a multilingual one catches translated copies)."""
    semantic_rule: Literal["paraphrase", "cosine"] = "cosine"
    """What makes two close texts semantic duplicates: "cosine" merges every pair at or above
    `semantic_threshold`; "paraphrase" has the paraphrase verifier (`curation.paraphrase`) decide
    every pair at or above `paraphrase_min_cosine`. Dedup keeps "cosine" by default: on synthetic
    two-word edits of short items the verifier keeps planted recall at 0.775 where cosine has 0.938
    (10K items), while on reworded vignettes it is the better rule (benchmarks/bench_paraphrase.py)."""
    leak_semantic_rule: Literal["paraphrase", "cosine"] = "paraphrase"
    """The same choice for the embedding leakage check against reference benchmarks: rewording is
    what leaks past n-grams, and one-word copies are caught by the n-gram and MinHash checks."""
    semantic_threshold: float = 0.88
    """Cosine similarity at or above which two items are semantic duplicates (the "cosine" rule)."""
    paraphrase_threshold: float = PARAPHRASE_MODEL.threshold
    """Verifier probability at or above which a pair is one question reworded (the "paraphrase" rule)."""
    paraphrase_min_cosine: float = PARAPHRASE_MODEL.min_cosine
    """Cosine below which a pair is never verified (the "paraphrase" rule)."""
    knn: int = 10
    """Neighbours looked up per item."""
    exact_index_max: int = 50_000
    """Up to this many vectors the kNN search is exact (flat); past it an IVF index is used."""
    semantic_candidates: Literal["static", "none"] = "static"
    """Semantic dedup in two stages: "static" has a static model distilled from `semantic_model`
    propose pairs and runs `semantic_model` only on their texts; "none" encodes every text with it."""
    candidate_threshold: float = 0.7
    """Centred static-vector cosine at or above which a pair may be a candidate (two-stage path)."""
    candidate_margin: float = 0.1
    """How far a candidate's static cosine must stand above its two texts' mean cosine to their k
    nearest (two-stage path; see `curation.semantic.candidate_pairs`)."""
    candidate_knn: int = 10
    """Neighbours looked up per item in static vectors (the two-stage path)."""
    leak_semantic_threshold: float = 0.85
    """Cosine similarity to a reference item at or above which an item is flagged as leaked (the
    "cosine" rule; the "paraphrase" rule verifies the nearest references instead)."""
    leak_ngram_overlap: float = 0.3
    """Share of an item's n-grams found in one reference item at or above which it is flagged."""
    seed: int = 1
    """Seed of the MinHash permutations."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            _check_option(field.name, getattr(self, field.name), field.default)
        if self.bands * self.rows != self.num_perm:
            raise SpecError("curation.options", f"bands * rows ({self.bands}*{self.rows}) != num_perm")
        if self.shingle not in ("char", "word"):
            raise SpecError("curation.options.shingle", "must be 'char' or 'word'")
        if self.minhash_backend not in ("rensa", "numpy"):
            raise SpecError("curation.options.minhash_backend", "must be 'rensa' or 'numpy'")
        for name in ("semantic_rule", "leak_semantic_rule"):
            if getattr(self, name) not in ("paraphrase", "cosine"):
                raise SpecError(f"curation.options.{name}", "must be 'paraphrase' or 'cosine'")
        if self.semantic_candidates not in ("static", "none"):
            raise SpecError("curation.options.semantic_candidates", "must be 'static' or 'none'")

    @classmethod
    def from_options(cls, *option_sets: dict[str, Any]) -> DedupConfig:
        """A config from spec option dicts; an unknown key is a SpecError naming it."""
        names = {f.name for f in dataclasses.fields(cls)}
        merged: dict[str, Any] = {}
        for options in option_sets:
            for key, value in options.items():
                if key in names:
                    merged[key] = value
                elif key not in PASS_THROUGH_OPTIONS:
                    raise SpecError(f"curation.options.{key}", f"unknown option; known: {sorted(names)}")
        return cls(**merged)

    def describe(self, method: str) -> str:
        """The settings of one method, as recorded on its clusters and flags."""
        if method == "minhash":
            return (
                f"minhash-{self.shingle}{self.shingle_size}-p{self.num_perm}"
                f"-b{self.bands}r{self.rows}-j{self.minhash_threshold:.2f}-{self.minhash_backend}"
            )
        if method == "semantic":
            rule = f"cos{self.semantic_threshold:.2f}"
            if self.semantic_rule == "paraphrase":
                rule = f"cos{self.paraphrase_min_cosine:.2f}-para{self.paraphrase_threshold:.2f}"
            if self.semantic_candidates == "none":
                return f"semantic-{self.semantic_model}-{rule}-k{self.knn}"
            return (
                f"semantic-{self.semantic_model}-{rule}"
                f"-static{self.candidate_threshold:.2f}m{self.candidate_margin:.2f}-k{self.candidate_knn}"
            )
        return "exact-nfkc-casefold-nopunct-t2s-optionset"

    def describe_semantic_leak(self) -> str:
        """The settings of the embedding leakage check, as recorded on its flags."""
        if self.leak_semantic_rule == "paraphrase":
            floor = f"cos{self.paraphrase_min_cosine:.2f}"
            return f"semantic-{self.semantic_model}-{floor}-para{self.paraphrase_threshold:.2f}"
        return f"semantic-{self.semantic_model}-cos{self.leak_semantic_threshold:.2f}"

    def semantic_floor(self) -> float:
        """The cosine a pair needs before its rule looks at it (the static stage asks no more)."""
        return self.paraphrase_min_cosine if self.semantic_rule == "paraphrase" else self.semantic_threshold

    def paraphrase_model(self) -> ParaphraseModel:
        """The verifier with this config's threshold and cosine floor."""
        return dataclasses.replace(
            PARAPHRASE_MODEL, threshold=self.paraphrase_threshold, min_cosine=self.paraphrase_min_cosine
        )

    def __str__(self) -> str:
        return " ".join(self.describe(m) for m in ("exact", "minhash", "semantic"))


def _check_option(name: str, value: Any, default: Any) -> None:
    """Refuses a value of the wrong type or out of range ('minhash_threshold=abc', '=5', 'knn=0')."""
    field = f"curation.options.{name}"
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpecError(field, f"must be a number, got {value!r}")
        if not 0.0 <= value <= 1.0:
            raise SpecError(field, f"must be between 0 and 1, got {value}")
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(field, f"must be a whole number, got {value!r}")
        if value < (0 if name == "seed" else 1):
            raise SpecError(field, f"must be {'0 or more' if name == 'seed' else 'at least 1'}, got {value}")
    elif isinstance(default, str) and not (isinstance(value, str) and value):
        raise SpecError(field, f"must be a non-empty string, got {value!r}")


PASS_THROUGH_OPTIONS = frozenset({"embedding_cache", "semantic_leakage", "backend", "quantize"})
"""Option keys read elsewhere (cache folder, encoder backend, int8 weights, leakage by embeddings)."""

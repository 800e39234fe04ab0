"""The benchmark spec: which sources, which stages and thresholds, which release splits."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from schemas.errors import SpecError
from schemas.ids import canonical_json, sha256_hex
from schemas.source_kinds import SourceKind, kind_names, source_kind
from schemas.source_options import SourceOptions

VERSION_PATTERN = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.]+)?$")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

GLOB_CHARACTERS = "*?["


def is_pattern(path: str) -> bool:
    """Whether a spec path is a glob pattern rather than one file."""
    return any(ch in path for ch in GLOB_CHARACTERS)


def glob_files(pattern: Path) -> list[Path]:
    """The files (not folders) a resolved glob pattern matches, `**` included, sorted."""
    return sorted(Path(match) for match in glob.glob(str(pattern), recursive=True) if Path(match).is_file())


class SpecModel(BaseModel):
    """Base of spec sections: unknown fields are refused, so a typo names itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(SpecModel):
    """One source of raw documents."""

    id: str = Field(description="stable source id, used in provenance and partition keys")
    kind: str = Field(description="a registered source kind (schemas.source_kinds): spider, extractor")
    licence: str = Field(description="licence of the source's content (SPDX id where possible)")
    language: str = Field(default="en", description="BCP 47 tag of the source's text")
    paths: list[str] = Field(
        default_factory=list, description="local files or globs, relative to the spec file"
    )
    start_urls: list[str] = Field(default_factory=list, description="where a crawl starts")
    allowed_domains: list[str] = Field(default_factory=list)
    site_dir: str | None = Field(
        default=None,
        description="a local mirror of a site: served on 127.0.0.1 while crawled, "
        "start_urls are relative to it, URLs are recorded under public_url",
    )
    public_url: str | None = Field(default=None, description="the URL the mirror stands for")
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="kind-specific settings, checked against the kind's options model; kept as written",
    )

    @field_validator("id")
    @classmethod
    def _id_is_a_name(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("must be lower-case letters, digits, '-', '_' or '.'")
        return value

    @field_validator("kind")
    @classmethod
    def _kind_is_registered(cls, value: str) -> str:
        if value not in kind_names():
            raise ValueError(f"unknown source kind '{value}'; known kinds: {', '.join(kind_names())}")
        return value

    @field_validator("options")
    @classmethod
    def _options_fit_the_kind(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """Errors of the kind's model surface at `options.KEY` (pydantic nests them)."""
        if "kind" in info.data:
            source_kind(info.data["kind"]).options.model_validate(value)
        return value

    @property
    def kind_spec(self) -> SourceKind:
        """The registry entry of this source's kind."""
        return source_kind(self.kind)

    @property
    def typed_options(self) -> SourceOptions:
        """`options` parsed by the kind's model, defaults filled in: what stages read.

        Parsed on each access (microseconds), not cached: a cache would outlive `model_copy`."""
        return self.kind_spec.options.model_validate(self.options)


class SynthesisSpec(SpecModel):
    """LLM-assisted generation; backend `none` is the deterministic path."""

    backend: Literal["none", "openai", "transformers"] = "none"
    model: str | None = None
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    cache_dir: str | None = None
    figure_vqa: bool = True
    case_diagnosis: bool = True
    case_distractors: Literal["icd10", "llm"] = Field(
        default="icd10", description="nearest ICD-10 titles by embedding, or distractors from the LLM"
    )
    n_options: int = Field(default=4, ge=2, le=10, description="options of a generated MCQ/VQA item")
    timeout_s: float = Field(default=60.0, gt=0, description="per LLM request")
    max_retries: int = Field(default=3, ge=0, description="retries of a 429/5xx/timeout, with backoff")
    backoff_s: float = Field(default=1.0, ge=0, description="first backoff delay; doubles each retry")
    max_repairs: int = Field(default=1, ge=0, description="re-asks after a reply that is not valid JSON")
    concurrency: int = Field(default=4, ge=1, description="LLM requests in flight at once")
    max_tokens: int = Field(default=1024, ge=1)
    temperature: float = Field(default=0.0, ge=0.0)
    exam_images: Literal["reject", "quarantine", "keep_flagged"] = Field(
        default="reject",
        description="an exam question that needs an image it does not have: rejected (needs_image), "
        "quarantined for a look, or released as text with a needs_image flag",
    )
    options: dict[str, Any] = Field(default_factory=dict)


class QualitySpec(SpecModel):
    """When a build stops instead of publishing: one rejection reason taking over a source."""

    max_reason_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="a source losing more than this share of its questions to one reason (a wrong "
        "declared language, a broken mapping) fails the build",
    )
    warn_reason_share: float = Field(
        default=0.2, ge=0.0, le=1.0, description="above this share the build warns (fails with --strict)"
    )
    min_rows: int = Field(default=20, ge=1, description="smaller sources are not judged by share")


class TranslationSpec(SpecModel):
    """Which items to translate into which languages (zh-Hans <-> zh-Hant by OpenCC, others by LLM)."""

    targets: list[str] = Field(default_factory=list, description="BCP 47 tags to translate into")
    min_back_translation_similarity: float = Field(
        default=0.8, ge=0.0, le=1.0, description="below it an LLM translation is flagged for review"
    )
    options: dict[str, Any] = Field(default_factory=dict)


class TaxonomySpec(SpecModel):
    """Taggers to run and the confidence below which a tag is not kept."""

    taggers: list[str] = Field(
        default_factory=lambda: ["lexicon"],
        description="lexicon, embedding, llm, source_labels (tags an item already has are always kept)",
    )
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    options: dict[str, Any] = Field(default_factory=dict)


class CurationSpec(SpecModel):
    """Dedup methods and their thresholds."""

    methods: list[Literal["exact", "minhash", "semantic"]] = Field(default_factory=lambda: ["exact"])
    min_chars: int = Field(default=12, ge=0, description="shorter texts are not compared")
    options: dict[str, Any] = Field(default_factory=dict)


class LeakageSpec(SpecModel):
    """Leakage checks against reference benchmarks, across splits and in time."""

    references: list[str] = Field(default_factory=list, description="reference benchmark files")
    ngram: int = Field(default=13, ge=3)
    cutoff: str | None = Field(default=None, description="ISO date: later sources are marked")
    policy: Literal["flag", "drop", "split", "review"] = "flag"
    options: dict[str, Any] = Field(default_factory=dict)


class ReviewSpec(SpecModel):
    """Expert review: which items go to Label Studio and what a release requires."""

    policy: Literal["passthrough", "label_studio"] = "passthrough"
    options: dict[str, Any] = Field(default_factory=dict)


class ExecutionSpec(SpecModel):
    """Where the heavy batches run (embedding, MinHash signatures, candidate verification).

    How a build runs, not what it builds: the same spec gives the same items on either engine, so
    this section is left out of the spec hash (like `base_dir`)."""

    engine: Literal["local", "ray"] = Field(
        default="local", description="local: in this process (no Ray needed); ray: Ray tasks / GPU actors"
    )
    address: str | None = Field(
        default=None,
        description="Ray cluster address (e.g. ray://head:10001 or 10.0.0.5:6379); none: $RAY_ADDRESS, "
        "else a local Ray started for the run on 127.0.0.1",
    )
    batch_size: int = Field(
        default=8192, ge=1, description="texts (or candidate pairs) per batch: bounds memory per task"
    )


class BenchmarkSpec(SpecModel):
    """A whole benchmark: sources, stage settings, splits. Its hash goes into every manifest."""

    benchmark: str = Field(description="benchmark name; the release store folder")
    description: str = ""
    licence_allow: list[str] = Field(
        default_factory=list, description="licences allowed in a release; empty allows all"
    )
    sources: list[SourceSpec] = Field(min_length=1)
    synthesis: SynthesisSpec = Field(default_factory=SynthesisSpec)
    translation: TranslationSpec = Field(default_factory=TranslationSpec)
    taxonomy: TaxonomySpec = Field(default_factory=TaxonomySpec)
    curation: CurationSpec = Field(default_factory=CurationSpec)
    leakage: LeakageSpec = Field(default_factory=LeakageSpec)
    review: ReviewSpec = Field(default_factory=ReviewSpec)
    quality: QualitySpec = Field(default_factory=QualitySpec)
    execution: ExecutionSpec = Field(default_factory=ExecutionSpec)
    splits: dict[str, float] = Field(default_factory=lambda: {"test": 1.0})
    seed: int = 0
    base_dir: str = Field(default=".", description="folder relative paths resolve against")

    @field_validator("benchmark")
    @classmethod
    def _benchmark_is_a_name(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError("must be lower-case letters, digits, '-', '_' or '.'")
        return value

    @field_validator("splits")
    @classmethod
    def _splits_sum_to_one(cls, value: dict[str, float]) -> dict[str, float]:
        if not value or abs(sum(value.values()) - 1.0) > 1e-6 or min(value.values()) < 0:
            raise ValueError("split fractions must be non-negative and sum to 1")
        for name in value:
            if not NAME_PATTERN.match(name) or name == "rejected":
                raise ValueError(f"bad split name '{name}'")
        return value

    @field_validator("sources")
    @classmethod
    def _source_ids_unique(cls, value: list[SourceSpec]) -> list[SourceSpec]:
        ids = [s.id for s in value]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate source ids: {', '.join(dupes)}")
        return value

    def resolve(self, path: str) -> Path:
        """A spec path made absolute: env vars expanded, relative to `base_dir`."""
        expanded = Path(os.path.expandvars(os.path.expanduser(path)))
        return expanded if expanded.is_absolute() else Path(self.base_dir) / expanded

    def content(self) -> dict[str, Any]:
        """The spec as recorded in a manifest: without `base_dir` (where it lay) and `execution` (where
        it ran), neither of which changes what it builds."""
        return self.model_dump(mode="json", exclude={"base_dir", "execution"})

    def spec_hash(self) -> str:
        """sha256 over the canonical spec content."""
        return sha256_hex(canonical_json(self.content()))


def validate_version(version: str) -> str:
    """A release version such as 1.0.0 or 2025.1; raises SpecError naming `version` otherwise."""
    if not VERSION_PATTERN.match(version):
        raise SpecError("version", f"'{version}' is not a version like 1.0.0 or 2025.1")
    return version


def _option_keys(data: dict[str, Any], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys allowed where an unknown source option sits (`sources.N.options[.nested]`)."""
    if len(loc) < 4 or loc[0] != "sources" or loc[2] != "options":
        return None
    try:
        model: Any = source_kind(data["sources"][loc[1]]["kind"]).options
    except (KeyError, IndexError, TypeError):
        return None
    for step in loc[3:-1]:
        annotation = model.model_fields[step].annotation if step in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return sorted(model.model_fields)


_UNION_TAGS = frozenset({"str", "int", "float", "bool", "date", "datetime"})


def _union_cut(loc: tuple[Any, ...]) -> int | None:
    """Where pydantic's union-member tags ('list[str]', 'int') start in an error location."""
    for index, part in enumerate(loc):
        if isinstance(part, str) and ("[" in part or part in _UNION_TAGS):
            return index
    return None


def _first_error(error: ValidationError, data: dict[str, Any] | None = None) -> SpecError:
    errors = error.errors()
    first = errors[0]
    cut = _union_cut(first["loc"])
    if cut is not None:
        prefix = first["loc"][:cut]
        tags = dict.fromkeys(str(e["loc"][cut]) for e in errors if e["loc"][:cut] == prefix)
        field = ".".join(str(p) for p in prefix) or "<root>"
        return SpecError(field, f"{first['input']!r} is none of: {', '.join(tags)}")
    field = ".".join(str(p) for p in first["loc"]) or "<root>"
    known = _option_keys(data or {}, first["loc"]) if first["type"] == "extra_forbidden" else None
    if known is not None:
        return SpecError(field, "unknown option (misspelt?); allowed here: " + ", ".join(known))
    return SpecError(field, first["msg"])


def _check_paths(spec: BenchmarkSpec) -> None:
    """Every local path and glob of a source names something: an empty glob is an error, not 0 rows."""
    for index, source in enumerate(spec.sources):
        for path_index, raw in enumerate(source.paths):
            where = f"sources.{index}.paths.{path_index}"
            if "://" in raw:
                continue  # a remote URL is the fetcher's business
            resolved = spec.resolve(raw)
            if is_pattern(raw):
                if not glob_files(resolved):
                    raise SpecError(where, f"'{raw}' of source '{source.id}' matches no file ({resolved})")
            elif not resolved.exists():
                raise SpecError(where, f"missing file {resolved}")
        if source.site_dir and not spec.resolve(source.site_dir).is_dir():
            raise SpecError(f"sources.{index}.site_dir", f"missing folder {source.site_dir}")


def parse_spec(data: Any, base_dir: Path | str = ".") -> BenchmarkSpec:
    """A spec from parsed YAML/JSON data; errors name the field."""
    if not isinstance(data, dict):
        raise SpecError("<root>", "a spec is a mapping of fields")
    declared = data.get("base_dir")
    resolved = (Path(base_dir) / declared if declared else Path(base_dir)).resolve()
    data = {**data, "base_dir": str(resolved)}
    try:
        spec = BenchmarkSpec.model_validate(data)
    except ValidationError as error:
        raise _first_error(error, data) from None
    _check_paths(spec)
    return spec


def load_spec(path: Path | str) -> BenchmarkSpec:
    """Read and validate a spec file (YAML or JSON); relative paths resolve next to it."""
    path = Path(path)
    if not path.is_file():
        raise SpecError("spec", f"missing file {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SpecError("spec", f"{path} is not valid YAML: {error}") from None
    return parse_spec(data, base_dir=path.parent.resolve())

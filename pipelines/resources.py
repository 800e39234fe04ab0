"""Every Dagster resource of a build, in one place: the spec, the folders, the batch engine, the LLM,
the embedder, Label Studio.

The spec is read once per run and handed to every asset, check and sensor by `SpecResource`, so
they all see the same spec and the manifest records the one they used. Services that must be
swappable (the LLM, the embedder) sit behind an ABC with one subclass per backend; the default
subclasses follow the spec.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from pydantic import Field, PrivateAttr

from pipelines.paths import DEFAULT_HOME
from schemas import BenchmarkSpec, load_spec

if TYPE_CHECKING:
    from annotation.client import LabelStudioClient
    from embeddings import TextEmbedder
    from engines import BatchEngine
    from synthesis.llm import LLMBackend


class SpecResource(dg.ConfigurableResource):
    """The benchmark spec of a run, validated once and shared by every step.

    `snapshot` (the validated spec as JSON, which `run_build` fills) pins the spec a CLI build
    started with; without it the file at `path` is read on first use in each process. The UI's
    runs go that way (`dagster dev` runs each step in a process of its own, and its resources are
    made when the code location loads), so a spec edited in the middle of a UI run reaches the
    steps that start after the edit: edit between runs.
    """

    path: str = Field(description="benchmark spec (YAML); relative paths in it resolve next to it")
    snapshot: str = Field(default="", description="the validated spec as JSON; empty: read `path`")
    _spec: BenchmarkSpec | None = PrivateAttr(default=None)

    @classmethod
    def pinned(cls, path: Path | str, engine: str | None = None) -> SpecResource:
        """The spec at `path`, loaded and validated now (errors name the field) and pinned; `engine`
        (`--engine`) replaces its `execution.engine`."""
        spec = load_spec(path)
        if engine is not None:
            execution = spec.execution.model_validate({**spec.execution.model_dump(), "engine": engine})
            spec = spec.model_copy(update={"execution": execution})
        return cls(path=str(Path(path).resolve()), snapshot=spec.model_dump_json())

    def get(self) -> BenchmarkSpec:
        """The spec (loaded on first use)."""
        if self._spec is None:
            self._spec = (
                BenchmarkSpec.model_validate_json(self.snapshot) if self.snapshot else load_spec(self.path)
            )
        return self._spec


class BuildSettings(dg.ConfigurableResource):
    """Where one build writes: the release version, the store, the work folder and its caches."""

    version: str = Field(default="auto", description="release version; 'auto' takes the next free patch")
    store_root: str = Field(
        default=str(DEFAULT_HOME / "releases"),
        description="release store: a folder, a file:// URL or an fsspec URL such as s3://bucket/prefix",
    )
    work_root: str = Field(
        default=str(DEFAULT_HOME / "work"),
        description="per-benchmark working folder: raw documents, images, stage outputs",
    )
    strict: bool = Field(
        default=False,
        description="fail the build when one rejection reason takes more than quality.warn_reason_share "
        "of a source (default: only above quality.max_reason_share)",
    )
    cache_root: str = Field(
        default="",
        description="LLM-response and embedding caches; empty: `cache` under the work folder. A rebuild "
        "with the same cache replays responses instead of calling the model again.",
    )

    def work_dir(self) -> Path:
        """Working folder (created on demand)."""
        path = Path(self.work_root)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def raw_store(self) -> Path:
        """Content-addressed raw documents, shared by every build of the benchmark."""
        return self._sub("raw")

    def image_dir(self) -> Path:
        """Content-addressed figure images."""
        return self._sub("images")

    def stage_dir(self) -> Path:
        """One folder per stored asset output (the IO manager's)."""
        return self.work_dir() / "stages"

    def cache_dir(self, name: str = "") -> Path:
        """The cache folder, or its sub-folder `name` (created on demand)."""
        root = Path(self.cache_root) if self.cache_root else self.work_dir() / "cache"
        path = root / name if name else root
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _sub(self, name: str) -> Path:
        path = self.work_dir() / name
        path.mkdir(parents=True, exist_ok=True)
        return path


class ExecutionResource(dg.ConfigurableResource):
    """Where a run's heavy batches go: the engine of the spec's `execution` section (in process, or
    a Ray cluster), made at first use and released when the run's steps are done (a local Ray it
    started is shut down)."""

    spec: SpecResource
    _engine: BatchEngine | None = PrivateAttr(default=None)

    def engine(self) -> BatchEngine:
        """The engine (a Ray engine connects at its first batch, not here)."""
        if self._engine is None:
            from engines import open_engine

            execution = self.spec.get().execution
            self._engine = open_engine(execution.engine, execution.address, execution.batch_size)
        return self._engine

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


class LLMBackendResource(dg.ConfigurableResource, ABC):
    """The LLM a run uses; `build_backend()` gives the `synthesis.llm.LLMBackend` to pass as
    `synthesize_items(..., llm=...)`. Pick a subclass per deployment; `NoLLMResource` needs nothing."""

    @abstractmethod
    def build_backend(self) -> LLMBackend:
        """The backend object; fails fast when it cannot be made (e.g. no API key)."""


class NoLLMResource(LLMBackendResource):
    """The deterministic path: templates, OpenCC and ICD-10 distractors only."""

    def build_backend(self) -> LLMBackend:
        from synthesis.llm import NoBackend

        return NoBackend()


class OpenAICompatibleResource(LLMBackendResource):
    """A hosted API or a local vLLM / Ollama / llama.cpp server speaking the OpenAI chat API."""

    model: str = Field(description="model name as the server knows it")
    base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000/v1; None: OpenAI")
    api_key: str = Field(default="", description="set from dg.EnvVar('OPENAI_API_KEY'); empty: no key")
    timeout_s: float = Field(default=60.0, description="per request")
    max_retries: int = Field(default=3, description="retries on timeouts and 5xx, with backoff")
    backoff_s: float = Field(default=1.0, description="first backoff; doubles per retry")

    def build_backend(self) -> LLMBackend:
        from synthesis.llm.openai_backend import NO_KEY, OpenAIBackend

        return OpenAIBackend(
            self.model,
            base_url=self.base_url,
            api_key=self.api_key or NO_KEY,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
            backoff_s=self.backoff_s,
        )


class TransformersResource(LLMBackendResource):
    """A local causal LM (path or offline HF cache name), greedy decoding."""

    model: str = Field(description="local path or cached model name")
    device: str | None = Field(default=None, description="cuda, cpu; None: the best there is")

    def build_backend(self) -> LLMBackend:
        from synthesis.llm.transformers_backend import TransformersBackend

        return TransformersBackend(self.model, device=self.device)


class SpecLLMResource(LLMBackendResource):
    """The backend the spec names (`synthesis.backend`, `model`, `base_url`, `api_key_env`): the
    default, so a release records which model made it. Swap in another subclass to override it."""

    spec: SpecResource

    def build_backend(self) -> LLMBackend:
        from synthesis.llm import backend_from_spec

        return backend_from_spec(self.spec.get().synthesis)


class EmbedderResource(dg.ConfigurableResource, ABC):
    """The one sentence encoder of a run, shared by synthesis, tagging and curation. Its model takes
    seconds to load, so it loads once per process (`embeddings.fast_encoder` is cached: once for a
    CLI build, once per step process in the UI) and only when a stage encodes something."""

    @abstractmethod
    def build_embedder(self) -> TextEmbedder:
        """The embedder object (a `embeddings.TextEmbedder`)."""


class SpecEmbedderResource(EmbedderResource):
    """The encoder the spec's curation options name (see `curation.curate.spec_embedder`), its
    vectors cached in the build's cache folder."""

    spec: SpecResource
    build: BuildSettings
    execution: ExecutionResource
    _embedder: TextEmbedder | None = PrivateAttr(default=None)

    def build_embedder(self) -> TextEmbedder:
        if self._embedder is None:
            from curation.curate import spec_embedder

            self._embedder = spec_embedder(
                self.spec.get(), self.build.cache_dir("embeddings"), self.execution.engine()
            )
        return self._embedder


class LabelStudioResource(dg.ConfigurableResource):
    """Where Label Studio is; empty fields fall back to MEDFORGE_LABEL_STUDIO_URL / _TOKEN at use time."""

    url: str = Field(default="", description="Label Studio base URL")
    token: str = Field(default="", description="API token (legacy token or personal access token)")
    timeout_s: float = Field(default=30.0, description="per request")

    def client(self) -> LabelStudioClient:
        """A connected client; raises a clear error naming the variable when the token is missing."""
        from annotation.client import connect

        return connect(self.url or None, self.token or None, self.timeout_s)


def build_resources(spec: SpecResource, settings: BuildSettings) -> dict[str, object]:
    """The resources of one build: spec, settings, an IO manager under the work folder, the LLM the
    spec names and one shared embedder (swap `llm` or `embedder` for another subclass to override)."""
    from pipelines.io_manager import StageIOManager

    execution = ExecutionResource(spec=spec)
    return {
        "spec": spec,
        "build": settings,
        "execution": execution,
        "io_manager": StageIOManager(base_dir=str(Path(settings.work_root) / "stages")),
        # the crawl graphs' internal steps (per-source counts) pass small dicts between processes
        "step_io_manager": dg.FilesystemIOManager(base_dir=str(Path(settings.work_root) / "steps")),
        "llm": SpecLLMResource(spec=spec),
        "embedder": SpecEmbedderResource(spec=spec, build=settings, execution=execution),
        "label_studio": LabelStudioResource(),
    }

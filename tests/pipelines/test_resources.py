"""The build's resources: the spec read once and pinned, the LLM and embedder the spec names, folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.resources import (
    BuildSettings,
    OpenAICompatibleResource,
    SpecEmbedderResource,
    SpecLLMResource,
    SpecResource,
    build_resources,
)
from schemas import SpecError
from synthesis.llm import MissingAPIKeyError


def _spec_file(tmp_path: Path, **sections: object) -> Path:
    (tmp_path / "bank.jsonl").write_text('{"question": "q", "options": ["a", "b"], "answer": "a"}\n')
    data = {
        "benchmark": "t",
        "sources": [{"id": "s", "kind": "exam_collection", "licence": "CC-BY-4.0", "paths": ["bank.jsonl"]}],
        **sections,
    }
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_pinned_spec_is_the_one_every_step_sees(tmp_path: Path) -> None:
    path = _spec_file(tmp_path, seed=7)
    pinned = SpecResource.pinned(path)
    path.write_text(path.read_text().replace("seed: 7", "seed: 8"))  # edited while the run goes on
    again = SpecResource(path=pinned.path, snapshot=pinned.snapshot)  # as a step in another process
    assert pinned.get().seed == again.get().seed == 7
    assert again.get().base_dir == str(tmp_path.resolve())
    assert SpecResource(path=str(path)).get().seed == 8  # unpinned: read at first use


def test_a_bad_spec_fails_when_pinned_naming_the_field(tmp_path: Path) -> None:
    path = _spec_file(tmp_path, seed="x")
    with pytest.raises(SpecError, match="seed"):
        SpecResource.pinned(path)


def test_llm_resource_follows_the_spec_and_fails_fast_without_a_key(tmp_path, monkeypatch) -> None:
    none = SpecLLMResource(spec=SpecResource.pinned(_spec_file(tmp_path)))
    assert none.build_backend().name == "none"
    monkeypatch.delenv("MEDFORGE_KEY_X", raising=False)
    synthesis = {"backend": "openai", "model": "m", "api_key_env": "MEDFORGE_KEY_X"}
    keyless = SpecLLMResource(spec=SpecResource.pinned(_spec_file(tmp_path, synthesis=synthesis)))
    with pytest.raises(MissingAPIKeyError, match="MEDFORGE_KEY_X"):
        keyless.build_backend()
    backend = OpenAICompatibleResource(model="m", base_url="http://127.0.0.1:9/v1").build_backend()
    assert (backend.name, backend.model) == ("openai", "m")


def test_one_lazy_embedder_per_build_cached_in_the_build(tmp_path: Path) -> None:
    spec = SpecResource.pinned(_spec_file(tmp_path, curation={"options": {"backend": "onnx"}}))
    settings = BuildSettings(work_root=str(tmp_path / "work"), cache_root=str(tmp_path / "cache"))
    resources = build_resources(spec, settings)
    embedder_resource = resources["embedder"]
    assert isinstance(embedder_resource, SpecEmbedderResource)
    embedder = embedder_resource.build_embedder()
    assert embedder is embedder_resource.build_embedder()  # synthesis, tagging, curation share it
    assert not embedder.loaded  # nothing encoded yet: no model loaded
    assert embedder.name == "all-MiniLM-L6-v2+onnx-fp32"
    assert embedder.cache_dir == tmp_path / "cache" / "embeddings"
    vectors = embedder.encode(["Chest CT shows a pulmonary embolism.", "Pulmonary embolism on CT."])
    assert embedder.loaded and vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) > 0.7
    assert list((tmp_path / "cache" / "embeddings").rglob("shard-*.npz"))


def test_cache_folder_is_a_setting(tmp_path: Path) -> None:
    default = BuildSettings(work_root=str(tmp_path / "w"))
    assert default.cache_dir("llm") == tmp_path / "w" / "cache" / "llm"
    moved = BuildSettings(work_root=str(tmp_path / "w"), cache_root=str(tmp_path / "c"))
    assert moved.cache_dir("llm") == tmp_path / "c" / "llm" and moved.cache_dir("llm").is_dir()

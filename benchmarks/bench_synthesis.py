"""Synthesis on the shared fixtures: items made, rejection reasons, and speed of the no-LLM path,
the cached rebuild, OpenCC translation and a loopback LLM round (prints its figures).

Run: .venv/bin/python benchmarks/bench_synthesis.py
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas import BenchmarkSpec, SourceSpec, TaskType  # noqa: E402
from synthesis.generate import synthesize_items, translate_items  # noqa: E402


def load_fixture_reader():
    path = ROOT / "tests" / "synthesis" / "jats_fixture_records.py"
    spec = importlib.util.spec_from_file_location("jats_fixture_records", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    reader = load_fixture_reader()
    figures, reports = reader.fixture_figures(), reader.fixture_case_reports()
    cache = Path(tempfile.mkdtemp(prefix="bench-synthesis-"))
    spec = BenchmarkSpec(
        benchmark="bench",
        sources=[SourceSpec(id="fixtures-jats", kind="case_reports_jats", licence="CC-BY-4.0")],
        synthesis={"cache_dir": str(cache)},
        translation={"targets": ["zh-Hant"]},
    )
    from embeddings import default_encoder

    start = time.perf_counter()
    encoder = default_encoder()
    load_s = time.perf_counter() - start

    start = time.perf_counter()
    cold = synthesize_items(spec, [], reports, figures, embedder=encoder)
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    warm = synthesize_items(spec, [], reports, figures, embedder=encoder)
    warm_s = time.perf_counter() - start
    assert [i.item_id for i in cold.records] == [i.item_id for i in warm.records]

    records = len(figures) + len(reports)
    fig_result = synthesize_items(spec, [], [], figures)
    case_result = synthesize_items(spec, [], reports, [], embedder=encoder)
    print(f"inputs: {len(figures)} figures, {len(reports)} case reports (JATS fixtures)")
    for name, result in (("figures", fig_result), ("case reports", case_result)):
        made_from = len({i.source_key.split("#")[0] for i in result.records})
        print(
            f"{name}: {result.records_in} in -> {len(result.records)} items from {made_from} records; "
            f"rejected {len(result.rejections)}: {json.dumps(result.counts()['reasons'])}"
        )
    print("items by generator:", json.dumps(cold.metadata["items_by_generator"]))
    print("items by task:", json.dumps(dict(Counter(str(i.task) for i in cold.records))))
    print("figure questions skipped:", json.dumps(cold.metadata["skipped_questions"]))
    print(f"MiniLM load: {load_s:.1f} s")
    print(
        f"no-LLM synthesis, cold (ICD-10 titles embedded): {cold_s:.1f} s; "
        f"rebuild with cache: {warm_s:.2f} s ({records / max(warm_s, 1e-9):.0f} records/s)"
    )

    import json as _json

    cmb = _json.loads((reader.fixtures_root() / "case_reports" / "zh" / "cmb-clin-test-qa.json").read_text())
    from schemas import BenchmarkItem, ItemOrigin, SourceRef

    items = []
    for number, case in enumerate(cmb):
        question = f"{case['description']}\n{case['QA_pairs'][0]['question']}"
        answers = [case["QA_pairs"][0]["answer"]]
        items.append(
            BenchmarkItem(
                item_id=BenchmarkItem.make_id(TaskType.OPEN_ENDED, "zh-Hans", question, [], answers),
                source_key=f"cmb-{number}",
                task=TaskType.OPEN_ENDED,
                language="zh-Hans",
                question=question,
                answers=answers,
                source=SourceRef(source_id="cmb", uri="cmb"),
                licence="Apache-2.0",
                origin=ItemOrigin.IMPORTED,
            )
        )
    start = time.perf_counter()
    translated = translate_items(spec, items)
    zh_s = time.perf_counter() - start
    chars = sum(len(i.question) for i in items)
    print(
        f"OpenCC zh-Hans -> zh-Hant: {len(items)} CMB cases ({chars} chars) -> "
        f"{translated.metadata['translated']} translations, {len(translated.rejections)} rejected, "
        f"in {zh_s:.2f} s ({chars / zh_s / 1e3:.0f}K chars/s incl. checks)"
    )


if __name__ == "__main__":
    main()

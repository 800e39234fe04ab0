"""`medforge tag` and `medforge select` through the real CLI app."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
from typer.testing import CliRunner

from pipelines.cli import app
from schemas import BenchmarkItem, to_table
from tests.taxonomy.conftest import tagged

runner = CliRunner()


def test_tag_text_json_puts_the_primary_code_first_then_orders_by_confidence():
    result = runner.invoke(app, ["tag", "--text", "MRI of the brain showed a stroke.", "--json"])
    assert result.exit_code == 0, result.output
    tags = json.loads(result.stdout)
    assert {"vocabulary", "code", "title", "confidence", "tagger", "primary"} <= set(tags[0])
    assert tags[0]["primary"] is True and tags[0]["vocabulary"] == "icd10"
    assert sum(t["primary"] for t in tags) == 1
    rest = [t["confidence"] for t in tags[1:]]
    assert rest == sorted(rest, reverse=True)
    assert ("modality", "MRI") in {(t["vocabulary"], t["code"]) for t in tags}
    assert ("icd10", "I64") in {(t["vocabulary"], t["code"]) for t in tags}


def test_tag_text_says_why_there_are_no_tags():
    result = runner.invoke(app, ["tag", "--text", "We went to the park."])
    assert result.exit_code == 0 and "no tags: no medical term found" in result.stdout


def test_tag_file_tags_items_as_the_stage_does(tmp_path, make_item):
    """Topic tags from distractors and tags an item carried: the command and the stage agree."""
    from schemas import BenchmarkSpec, SourceSpec, TaxonomyTag
    from taxonomy.tagging import tag_items

    carried = TaxonomyTag(
        vocabulary="specialty", code="pediatrics", title="Pediatrics", confidence=1.0, tagger="source"
    )
    items = [
        make_item("A child with acute appendicitis: which imaging first?", ("Ultrasound", "CT")),
        make_item(
            "Which drug is first line here?", ("Metformin for type 2 diabetes", "Insulin", "Aspirin")
        ).model_copy(update={"tags": [carried]}),
    ]
    source = tmp_path / "items.jsonl"
    source.write_text("\n".join(i.model_dump_json() for i in items) + "\n", encoding="utf-8")
    out = tmp_path / "tagged.jsonl"
    result = runner.invoke(app, ["tag", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spec = BenchmarkSpec(benchmark="t", sources=[SourceSpec(id="s", kind="pdf", licence="CC-BY-4.0")])
    staged = tag_items(spec, items).records
    for row, item in zip(written, staged, strict=True):
        assert {(t["vocabulary"], t["code"]) for t in row["tags"]} == {
            (str(t.vocabulary), t.code) for t in item.tags
        }
    assert ("specialty", "pediatrics") in {(t["vocabulary"], t["code"]) for t in written[1]["tags"]}
    assert ("icd10", "K35") in {(t["vocabulary"], t["code"]) for t in written[0]["tags"]}


def test_tag_file_writes_tags_per_row(tmp_path, make_item):
    source = tmp_path / "items.jsonl"
    item = make_item("A child with acute appendicitis: which imaging first?", ("Ultrasound", "CT"))
    rows = [item.model_dump(mode="json"), {"text": "nothing medical here at all"}]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "tagged.jsonl"
    result = runner.invoke(app, ["tag", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "K35" in {t["code"] for t in written[0]["tags"]}
    assert written[1]["tags"] == [] and written[1]["untagged_reason"] == "no medical term found"


def test_select_reads_a_release_folder(tmp_path):
    release = tmp_path / "unit" / "1.0.0"
    release.mkdir(parents=True)
    items = [tagged("liver CT", "icd10:K70.1", "modality:CT"), tagged("heart CT", "icd10:I21", "modality:CT")]
    pq.write_table(to_table(items, BenchmarkItem), release / "test.parquet")
    out = tmp_path / "subset.parquet"
    result = runner.invoke(
        app, ["select", str(release), "--where", "icd10:K70-K87 and modality:CT", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 of 2 items match" in result.stdout
    assert pq.read_table(out).column("question").to_pylist() == ["liver CT"]


def test_select_unknown_code_is_one_clear_line(tmp_path):
    import subprocess
    import sys

    release = tmp_path / "r"
    release.mkdir()
    pq.write_table(to_table([tagged("liver CT", "icd10:K70.1")], BenchmarkItem), release / "test.parquet")
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "select", str(release), "--where", "icd10:K99X"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown icd10 code 'K99X'" in done.stderr and "Traceback" not in done.stderr

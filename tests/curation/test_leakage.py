"""Leakage checks on the real reference benchmarks: loaders, n-gram copies, cutoff, answers, splits."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from curation.curate import curate_items
from curation.leakage import answer_in_stem, cross_split_duplicates, post_cutoff, reference_leaks
from curation.references import load_references
from curation.texts import ItemText
from pipelines.cli import app
from schemas import ReasonCode, ReleaseTime, ReviewStatus


@pytest.fixture(scope="module")
def refs_dir(fixtures_dir):
    path = fixtures_dir / "reference_benchmarks"
    if not path.is_dir():
        pytest.fail(f"reference benchmarks not found at {path}")
    return path


def test_reference_loaders_read_every_format(refs_dir):
    medqa = load_references([refs_dir / "medagentsbench" / "medqa" / "test.jsonl"])
    pubmedqa = load_references([refs_dir / "pubmedqa" / "ori_pqal.json"])
    mmlu = load_references([refs_dir / "mmlu_medical"])
    assert len(medqa) == 1273 and len(medqa[0].options) >= 4
    assert len(pubmedqa) == 1000 and pubmedqa[0].ref_id.startswith("pubmedqa/ori_pqal:")
    assert len(mmlu) == 1571 and all(len(r.options) == 4 for r in mmlu)
    assert mmlu[0].answer in mmlu[0].options


def test_medqa_test_hard_is_found_inside_test(refs_dir):
    test = load_references([refs_dir / "medagentsbench" / "medqa" / "test.jsonl"])
    hard = load_references([refs_dir / "medagentsbench" / "medqa" / "test_hard.jsonl"])
    keys = {r.as_text().exact_key() for r in test}
    assert sum(r.as_text().exact_key() in keys for r in hard) == 100
    hits = reference_leaks([r.as_text() for r in hard], test, ngram=13)
    assert len({h.item_id for h in hits}) == 100 and all(h.score == 1.0 for h in hits)


def test_mmlu_jsonl_rows_match_the_csv_after_normalisation(refs_dir):
    csv_rows = load_references([refs_dir / "mmlu_medical"])
    jsonl_rows = load_references([refs_dir / "medagentsbench" / "mmlu" / "test.jsonl"])
    stems = {r.as_text().norm_stem for r in csv_rows}
    assert sum(r.as_text().norm_stem in stems for r in jsonl_rows) == 1086
    keys = {r.as_text().exact_key() for r in csv_rows}  # two differ in options: "1.0/64" vs "1/64"
    assert sum(r.as_text().exact_key() in keys for r in jsonl_rows) == 1084
    hits = reference_leaks([r.as_text() for r in jsonl_rows], csv_rows, ngram=13)
    assert len({h.item_id for h in hits}) >= 1086


def test_copied_item_is_flagged_with_reference_and_dropped_by_policy(refs_dir, make_item, make_spec):
    mmlu = load_references([refs_dir / "mmlu_medical" / "anatomy_test.csv"])
    ref = mmlu[0]
    copied = make_item(ref.question, tuple(ref.options), ("A",))
    fresh = make_item("Which enzyme converts angiotensin I to angiotensin II in the lung capillaries?")
    spec = make_spec(
        leakage={"references": [str(refs_dir / "mmlu_medical")], "options": {"semantic_leakage": False}}
    )
    out = curate_items(spec, [copied, fresh])
    flagged = {r.item_id: r.flags for r in out.result.records}
    (flag,) = flagged[copied.item_id]
    assert flag.kind == "leakage" and flag.method == "ngram13" and flag.evidence.startswith(ref.ref_id)
    assert flagged[fresh.item_id] == []
    # the card's contamination section reads what was checked, how, and what was found
    meta = out.result.metadata
    assert meta["leakage_methods"] == ["ngram13-overlap0.30"]
    checked = meta["leakage_references"]
    assert checked["mmlu_medical/anatomy_test"] == {"items": len(mmlu), "leaked_items": 1}
    assert checked["mmlu_medical/medical_genetics_test"] == {"items": 100, "leaked_items": 0}
    assert sum(entry["leaked_items"] for entry in checked.values()) == 1
    dropping = spec.model_copy(update={"leakage": spec.leakage.model_copy(update={"policy": "drop"})})
    out = curate_items(dropping, [copied, fresh])
    assert [r.reason_code for r in out.result.rejections] == [ReasonCode.LEAKED]


def test_cutoff_flags_later_items_and_split_policy_moves_them(make_item, make_spec):
    old = make_item("Which organ produces insulin in humans?", year=2019)
    new = make_item("Which organ produces bile in humans?", year=None).model_copy(
        update={"release_time": ReleaseTime(published=dt.date(2025, 3, 1))}
    )
    assert post_cutoff(old, dt.date(2024, 6, 30)) is None
    assert post_cutoff(new, dt.date(2024, 6, 30)).kind == "post_cutoff"
    out = curate_items(make_spec(leakage={"cutoff": "2024-06-30", "policy": "split"}), [old, new])
    splits = {r.item_id: r.split for r in out.result.records}
    assert splits == {old.item_id: "unassigned", new.item_id: "post_cutoff"}
    out = curate_items(make_spec(leakage={"cutoff": "2024-06-30", "policy": "review"}), [old, new])
    status = {r.item_id: r.review_status for r in out.result.records}
    assert status[new.item_id] == ReviewStatus.PENDING


def test_answer_in_stem(make_item):
    leaky = make_item(
        "Insulin is made by the islet cells of the pancreas; which organ makes insulin?",
        ("islet cells of the pancreas", "Liver"),
        ("A",),
    )
    assert answer_in_stem(leaky).kind == "answer_in_stem"
    assert answer_in_stem(make_item()) is None


def test_cross_split_duplicates(make_item):
    a = make_item("Which organ produces insulin in humans?").model_copy(update={"split": "dev"})
    b = make_item("Which organ produces insulin in humans??", ("Pancreas", "Liver", "Spleen", "Kidney"))
    b = b.model_copy(update={"split": "test"})
    c = make_item("Which vitamin deficiency causes scurvy in sailors?").model_copy(update={"split": "test"})
    (pair,) = cross_split_duplicates([a, b, c])
    assert {pair.item_id, pair.other_id} == {a.item_id, b.item_id} and pair.method == "exact"
    assert cross_split_duplicates([a, c]) == []


def test_semantic_leakage_catches_reworded_copy(refs_dir, bow_embedder):
    refs = load_references([refs_dir / "mmlu_medical" / "anatomy_test.csv"])[:50]
    ref = refs[2]
    words = ref.question.split()
    reworded = ItemText.make("x", " ".join(reversed(words)), list(reversed(ref.options)))
    assert not reference_leaks([reworded], refs, 13)  # word order breaks every n-gram
    hits = reference_leaks([reworded], refs, 13, embedder=bow_embedder)
    assert [h.ref_id for h in hits] == [ref.ref_id]


def test_leakage_and_dedup_cli(tmp_path, refs_dir):
    rows = [json.loads(line) for line in (refs_dir / "medagentsbench/medqa/test_hard.jsonl").open()][:5]
    items = tmp_path / "items.jsonl"
    lines = [{"id": f"q{i}", "text": r["question"], "options": r["options"]} for i, r in enumerate(rows)]
    lines.append({"id": "dup", "text": rows[0]["question"], "options": rows[0]["options"]})
    lines.append({"id": "img", "text": "See image"})
    items.write_text("\n".join(json.dumps(x) for x in lines))
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "leakage",
            str(items),
            "--reference",
            str(refs_dir / "medagentsbench/medqa/test.jsonl"),
            "--out",
            str(tmp_path / "leak"),
            "--no-semantic",
        ],
    )
    assert result.exit_code == 0, result.output
    flags = [json.loads(x) for x in (tmp_path / "leak/leakage.jsonl").read_text().splitlines()]
    assert len(flags) == 6 and all(f["reference_item"].startswith("medqa/test:") for f in flags)
    result = runner.invoke(app, ["dedup", str(items), "--method", "exact", "--out", str(tmp_path / "dd")])
    assert result.exit_code == 0, result.output
    (cluster,) = [json.loads(x) for x in (tmp_path / "dd/clusters.jsonl").read_text().splitlines()]
    assert cluster["members"] == ["q0", "dup"] and cluster["method"] == "exact"
    assert "placeholder 1" in result.output

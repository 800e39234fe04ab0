"""Dedup finds copies and near copies, keeps one by rule, and never merges what only looks alike."""

import json

import numpy as np
import pyarrow as pa

from curation.clusters import star_clusters
from curation.config import DedupConfig
from curation.curate import curate_items
from curation.dedup import find_duplicates
from curation.minhash import jaccard, shingle_hashes, signatures
from curation.texts import ItemText, pair_rejection
from schemas import ImageRef, ItemOrigin, ReasonCode, ReviewStatus, SpecError

VIGNETTE = (
    "A 54-year-old man comes to the emergency department with crushing chest pain radiating to his left "
    "arm for two hours. His blood pressure is 150/90 mm Hg and the ECG shows ST elevation in II, III, aVF."
)


def test_exact_duplicates_removed_with_cluster_and_payload(make_item, make_spec):
    a = make_item("Which organ produces insulin?", ("Liver", "Pancreas", "Spleen", "Kidney"), ("B",))
    b = make_item("which organ produces INSULIN", ("Pancreas", "Liver", "Spleen", "Kidney"), ("A",))
    c = make_item("Which vitamin deficiency causes scurvy?", ("A", "B", "C", "D"), ("C",))
    out = curate_items(make_spec(), [a, b, c])
    assert len(out.result.records) == 2
    (rejection,) = out.result.rejections
    assert rejection.reason_code == ReasonCode.EXACT_DUPLICATE
    assert rejection.cluster_id == out.clusters[0].cluster_id
    assert json.loads(rejection.payload)["item_id"] == rejection.record_id
    assert out.clusters[0].kept in rejection.message


def test_identical_items_twice_are_one_kept_one_rejected(make_item, make_spec):
    a = make_item()
    out = curate_items(make_spec(), [a, a])
    assert len(out.result.records) == 1 and len(out.result.rejections) == 1
    assert out.result.records_in == 2


def test_representative_rule_prefers_reviewed_then_scraped_over_synthesized(make_item, make_spec):
    synth = make_item("Which organ produces insulin in adults?", origin=ItemOrigin.SYNTHESIZED)
    scraped = make_item("Which organ produces insulin in adults??", origin=ItemOrigin.SCRAPED)
    out = curate_items(make_spec(), [synth, scraped])
    assert [r.item_id for r in out.result.records] == [scraped.item_id]
    reviewed = synth.model_copy(update={"review_status": ReviewStatus.ACCEPTED})
    out = curate_items(make_spec(), [reviewed, scraped])
    assert [r.item_id for r in out.result.records] == [reviewed.item_id]


def test_placeholders_are_never_merged_and_say_why(make_item, make_spec):
    a = make_item("See image", ("Normal", "Fracture"), ("A",))
    b = make_item("see image.", ("Fracture", "Normal"), ("B",))
    out = curate_items(make_spec(curation={"methods": ["exact", "minhash"]}), [a, b])
    assert len(out.result.records) == 2 and not out.clusters
    assert all(
        f.kind == "not_deduplicated" and f.evidence == "placeholder"
        for r in out.result.records
        for f in r.flags
    )
    assert out.result.metadata["not_compared"] == {"placeholder": 2}


def test_shared_vignette_with_different_questions_is_not_merged(make_item, make_spec):
    opts = ("Aspirin", "Heparin", "Alteplase", "Metoprolol")
    a = make_item(VIGNETTE + " Which artery is most likely occluded?", opts)
    b = make_item(VIGNETTE + " What is the best initial treatment?", opts)
    out = curate_items(make_spec(curation={"methods": ["exact", "minhash"]}), [a, b])
    assert len(out.result.records) == 2
    assert out.result.metadata["kept_apart_by_guard"] == {"shared_vignette_different_question": 1}


def test_same_stem_with_other_options_is_not_merged(bow_embedder):
    stem = "Which of the following statements about the kidney is true?"
    a = ItemText.make("a", stem, ["It filters blood", "It makes insulin", "It stores bile", "It pumps blood"])
    b = ItemText.make(
        "b", stem, ["Nephrons are units", "Renin is secreted", "ADH acts there", "It has a cortex"]
    )
    assert pair_rejection(a, b) == "different_options"
    outcome = find_duplicates(
        [a, b],
        ["semantic"],
        DedupConfig(semantic_rule="cosine", semantic_threshold=0.1),
        embedder=bow_embedder,
    )
    assert not outcome.clusters and outcome.guarded == {"different_options": 1}


def test_same_text_on_different_images_is_not_merged(make_item, make_spec):
    a = make_item("What abnormality does this chest radiograph show?").with_changes(
        images=[ImageRef(path="a.png", sha256="1" * 64)]
    )
    b = a.with_changes(images=[ImageRef(path="b.png", sha256="2" * 64)])
    out = curate_items(make_spec(curation={"methods": ["exact", "minhash"]}), [a, b])
    assert len(out.result.records) == 2


def test_minhash_finds_one_word_edits_and_verifies_jaccard(make_item, make_spec):
    base = "A 23-year-old woman presents with fever, neck stiffness and a petechial rash on her legs."
    a = make_item(base + " What is the most likely causative organism?")
    b = make_item(base.replace("woman", "female") + " What is the most likely causative organism?")
    out = curate_items(make_spec(curation={"methods": ["exact", "minhash"]}), [a, b])
    (cluster,) = out.clusters
    assert cluster.method == "minhash" and 0.6 <= cluster.similarity < 1.0
    assert out.result.rejections[0].reason_code == ReasonCode.NEAR_DUPLICATE
    assert "minhash-char5-p128-b32r4" in out.result.rejections[0].message


def test_signature_agreement_estimates_jaccard():
    texts = [
        "the quick brown fox jumps over the lazy dog " * 3,
        "the quick brown fox leaps over the lazy cat " * 3,
    ]
    shingles = shingle_hashes(texts)
    sigs = signatures(shingles, 256, seed=3)
    estimate = float((sigs[0] == sigs[1]).mean())
    assert abs(estimate - jaccard(shingles, 0, 1)) < 0.1


def test_star_clusters_do_not_chain():
    ids = ["a", "b", "c"]
    clusters = star_clusters(ids, [0, 1, 2], [(0, 1, 0.9), (1, 2, 0.9)], "semantic")
    assert [c.members for c in clusters] == [["a", "b"]]


def test_semantic_dedup_uses_embedder_and_threshold(make_item, make_spec, bow_embedder):
    a = make_item("Which hormone lowers blood glucose after a meal?")
    b = make_item("After a meal which hormone lowers blood glucose?")
    c = make_item("Which nerve innervates the diaphragm muscle?")
    spec = make_spec(
        curation={
            "methods": ["exact", "semantic"],
            "options": {"semantic_rule": "cosine", "semantic_threshold": 0.95},
        }
    )
    out = curate_items(spec, [a, b, c], embedder=bow_embedder)
    assert [c.method for c in out.clusters] == ["semantic"]
    assert out.result.rejections[0].reason_code == ReasonCode.SEMANTIC_DUPLICATE
    assert out.result.metadata["dedup_counts"]["semantic"]["removed"] == 1


def test_clusters_table_schema(make_item, make_spec):
    out = curate_items(make_spec(), [make_item(), make_item("which organ produces insulin")])
    table = out.clusters_table()
    assert table.column_names == ["cluster_id", "method", "members", "kept", "similarity"]
    assert table.schema.field("members").type == pa.list_(pa.string())
    assert table.num_rows == 1


def test_config_names_its_settings_and_refuses_unknown_keys():
    config = DedupConfig.from_options({"bands": 16, "rows": 8, "shingle": "word", "shingle_size": 3})
    assert "minhash-word3-p128-b16r8-j0.60" in str(config)
    try:
        DedupConfig.from_options({"treshold": 0.5})
    except SpecError as error:
        assert "curation.options.treshold" in str(error)
    else:
        raise AssertionError("unknown option accepted")


def test_min_chars_from_spec(make_item, make_spec):
    a, b = make_item("Insulin source?"), make_item("insulin source")
    out = curate_items(make_spec(curation={"min_chars": 40}), [a, b])
    assert len(out.result.records) == 2
    assert np.all([r.flags[0].evidence == "too_short" for r in out.result.records])


def test_rensa_and_numpy_signatures_find_the_same_verified_pairs(fixtures_dir):
    """Real MedQA questions with planted edits: both signature backends give the same edges, and
    every planted near-copy is among them."""
    from curation.minhash import minhash_edges
    from textkit import normalize_text

    path = fixtures_dir / "reference_benchmarks" / "medagentsbench" / "medqa" / "test.jsonl"
    questions = [json.loads(line)["question"] for line in path.open(encoding="utf-8")][:400]
    planted = {}
    for k, original in enumerate(range(0, 60, 3)):
        words = questions[original].split()
        words[len(words) // 2] = "tachycardic" if k % 2 else words[len(words) // 2].upper() + ","
        planted[len(questions)] = original
        questions.append(" ".join(words))
    texts = [normalize_text(q) for q in questions]
    by_backend = {
        backend: minhash_edges(texts, DedupConfig(minhash_backend=backend)) for backend in ("rensa", "numpy")
    }
    assert by_backend["rensa"] == by_backend["numpy"]
    pairs = {(i, j) for i, j, _ in by_backend["rensa"]}
    assert {(o, c) for c, o in planted.items()} <= pairs
    assert all(score >= 0.6 for *_, score in by_backend["rensa"])


def test_signature_backends_estimate_jaccard_alike():
    texts = [
        "the quick brown fox jumps over the lazy dog " * 3,
        "the quick brown fox leaps over the lazy cat " * 3,
    ]
    shingles = shingle_hashes(texts)
    exact = jaccard(shingles, 0, 1)
    for backend in ("rensa", "numpy"):
        sigs = signatures(shingles, 256, seed=3, backend=backend)
        assert sigs.shape == (2, 256) and sigs.dtype == np.uint32
        assert abs(float((sigs[0] == sigs[1]).mean()) - exact) < 0.1


def test_minhash_settings_name_the_backend_and_refuse_an_unknown_one():
    assert DedupConfig().describe("minhash") == "minhash-char5-p128-b32r4-j0.60-rensa"
    assert DedupConfig(minhash_backend="numpy").describe("minhash").endswith("-numpy")
    try:
        DedupConfig.from_options({"minhash_backend": "datasketch"})
    except SpecError as error:
        assert "minhash_backend" in str(error)
    else:
        raise AssertionError("unknown backend accepted")


def test_blocks_shingle_like_the_whole_corpus():
    """Texts are shingled block by block and again for verification: the hashes must not depend on
    which other texts are in the block (word ids were a corpus vocabulary before)."""
    from curation.minhash import _BLOCK_TEXTS, corpus_signatures

    texts = [f"patient {i} presents with fever and a rash on the legs" for i in range(_BLOCK_TEXTS + 5)]
    texts += ["", ""]
    for shingle in ("char", "word"):
        config = DedupConfig(shingle=shingle, shingle_size=3)
        whole = corpus_signatures(texts, config)
        alone = shingle_hashes(texts[-9:-2], shingle, 3)
        assert np.array_equal(whole[-9:-2], signatures(alone, config.num_perm, config.seed))
        assert not np.array_equal(whole[-1], whole[-2])  # two empty texts are never one shingle

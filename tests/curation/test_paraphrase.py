"""The paraphrase verifier: a reworded question is one question, a one-fact change is another."""

from __future__ import annotations

import pytest

from curation.config import DedupConfig
from curation.curate import embedder_from_options
from curation.dedup import find_duplicates
from curation.leakage import reference_leaks
from curation.paraphrase import FEATURES, PairText, feature_matrix, verify_pairs
from curation.references import ReferenceItem
from curation.texts import ItemText
from schemas import SpecError
from vocabulary.polarity import polarity_count

ORIGINAL = (
    "A 45-year-old man presents with crushing chest pain radiating to his left arm for 30 minutes. "
    "He is diaphoretic. An ECG shows ST elevation in leads II, III and aVF. "
    "Which coronary artery is most likely occluded?"
)
REWORDED = (
    "A man aged 45 comes to the emergency department after 30 minutes of severe, pressure-like chest "
    "pain that spreads to the left arm; he is sweating profusely. His electrocardiogram demonstrates "
    "ST-segment elevations in the inferior leads II, III, and aVF. Occlusion of which coronary vessel "
    "is the most likely cause?"
)
OTHER_LEADS = ORIGINAL.replace("leads II, III and aVF", "leads V1 to V4")
OTHER_QUESTION = ORIGINAL.replace(
    "Which coronary artery is most likely occluded?", "What is the most appropriate next step in management?"
)
OTHER_AGE = ORIGINAL.replace("A 45-year-old man", "A 4-year-old boy")


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):  # type: ignore[no-untyped-def]
    return embedder_from_options({}, cache_dir=tmp_path_factory.mktemp("vectors"))


def test_features_see_a_changed_number_a_negation_and_the_asked_sentence():
    original, older = PairText.of(ORIGINAL), PairText.of(OTHER_AGE)
    assert original.numbers == {"45", "30"} and older.numbers == {"4", "30"}
    assert original.question == "Which coronary artery is most likely occluded?"
    assert polarity_count("no fever and no cough") == 2
    assert polarity_count("sem febre") == 1 and polarity_count("发热 无 咳嗽") == 1
    assert polarity_count("which of the following is true except") == 1
    row = dict(zip(FEATURES, feature_matrix([ORIGINAL], [OTHER_AGE], [0.95], _ones)[0], strict=True))
    assert row["numbers_kept"] == 0.5 and row["polarity_agrees"] == 1.0 and row["cosine"] == 0.95
    negated = dict(
        zip(
            FEATURES,
            feature_matrix(["He has a fever."], ["He has no fever."], [0.9], _ones)[0],
            strict=True,
        )
    )
    assert negated["polarity_agrees"] == 0.0 and negated["numbers_kept"] == 1.0


def _ones(texts):  # type: ignore[no-untyped-def]
    """An encoder that finds every text alike (the features under test do not read it)."""
    import numpy as np

    return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def test_verifier_accepts_a_rewording_and_refuses_one_changed_fact(minilm):
    texts = [ORIGINAL, REWORDED, OTHER_LEADS, OTHER_QUESTION, OTHER_AGE]
    pairs = [(0, 1), (0, 2), (0, 3), (0, 4)]
    vectors = minilm.encode(texts)
    cosines = [float(vectors[i] @ vectors[j]) for i, j in pairs]
    # the cosine rule (0.88) would miss the rewording and merge the changed leads and age
    assert cosines[0] < 0.88 < min(cosines[1], cosines[3])
    probabilities = verify_pairs(texts, pairs, cosines, minilm.encode)
    threshold = DedupConfig().paraphrase_threshold
    assert probabilities[0] >= threshold, probabilities
    assert (probabilities[1:] < threshold).all(), probabilities


def test_below_the_cosine_floor_nothing_is_verified(minilm):
    texts = [ORIGINAL, "Which vitamin deficiency causes scurvy in sailors?"]
    assert verify_pairs(texts, [(0, 1)], [0.2], minilm.encode).tolist() == [0.0]


def test_semantic_dedup_merges_the_rewording_only(minilm):
    items = [ItemText.make(str(i), t) for i, t in enumerate([ORIGINAL, REWORDED, OTHER_LEADS])]
    verified = DedupConfig(semantic_candidates="none", semantic_rule="paraphrase")
    outcome = find_duplicates(items, ["semantic"], verified, embedder=minilm)
    assert [sorted(c.members) for c in outcome.clusters] == [["0", "1"]]
    assert "-para0." in outcome.clusters[0].settings
    by_cosine = find_duplicates(
        items, ["semantic"], DedupConfig(semantic_candidates="none", semantic_rule="cosine"), embedder=minilm
    )
    assert {m for c in by_cosine.clusters for m in c.members} >= {"0", "2"}  # the old rule over-merges


def test_leakage_flags_a_reworded_reference_and_not_a_changed_one(minilm):
    references = [ReferenceItem("medqa:1", "medqa", ORIGINAL, ())]
    texts = [ItemText.make("new-1", REWORDED), ItemText.make("new-2", OTHER_LEADS)]
    hits = reference_leaks(texts, references, config=DedupConfig(), embedder=minilm)
    semantic = [h for h in hits if h.method.startswith("semantic")]
    assert [(h.item_id, h.ref_id) for h in semantic] == [("new-1", "medqa:1")]
    assert semantic[0].method.endswith(f"para{DedupConfig().paraphrase_threshold:.2f}")
    assert semantic[0].score > 0.7
    # the changed copy shares its wording: the n-gram check, not the verifier, says where it came from
    assert [h.method for h in hits if h.item_id == "new-2"] == ["ngram13"]


def test_rule_is_checked():
    with pytest.raises(SpecError, match="semantic_rule"):
        DedupConfig(semantic_rule="jaccard")  # type: ignore[arg-type]
    with pytest.raises(SpecError, match="leak_semantic_rule"):
        DedupConfig(leak_semantic_rule="jaccard")  # type: ignore[arg-type]
    assert DedupConfig(leak_semantic_rule="cosine").describe_semantic_leak().endswith("cos0.85")
    assert DedupConfig().describe_semantic_leak().endswith(f"para{DedupConfig().paraphrase_threshold:.2f}")

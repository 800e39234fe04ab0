"""Paraphrase detection: cosine thresholds vs the paraphrase verifier, on hand-written pairs.

    python benchmarks/bench_paraphrase.py          # evaluate the shipped verifier (held-out half)
    python benchmarks/bench_paraphrase.py --fit    # refit the verifier on the training half, print it

Pairs are in `benchmarks/data/paraphrase/*.jsonl`, written by hand from fixture questions (MedQA,
Medbullets, MedMCQA, MMLU, AfriMedQA, and French, Brazilian, Chinese and Japanese exam banks): for
each source question a doctor-style rewording (label 1) and a hard negative that reads almost the
same but asks something else or changes a finding that changes the answer (label 0). Nearest
neighbours inside MedQA (different questions that a cosine finds close) are added as label 0
("neighbour"). Pairs are split in halves by their source question (a question's rewording and its
changed copy fall in the same half): `--fit` learns on the training half, every figure printed is
on the held-out half unless it says otherwise.

Rows, each with precision, recall and F1 on paraphrase vs everything else:
- cosine >= 0.88 (the semantic dedup threshold before the verifier);
- the best cosine threshold chosen on the held-out half itself (an upper bound for any cosine rule);
- the verifier at the shipped setting (`curation.paraphrase.DEFAULT_MODEL`): paraphrase detection;
- the same with one-word edits merged (what dedup applies: a one-word edit is a near-copy there, as
  MinHash would also say; a one-word change of meaning counts against it here).
Then an end-to-end check: every pair's two texts put into a pool of 1,500 other exam questions and
run through `find_duplicates(["semantic"])` with `semantic_rule: paraphrase` (static candidates,
MiniLM, verifier; the leakage check's default, opt-in for dedup), counting pairs that end in one
cluster; and the verifier's speed in pairs per second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data" / "paraphrase"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "reference_benchmarks" / "medagentsbench"


def load_pairs() -> list[dict]:
    """Every hand-written pair, with its half ('train' or 'test') set by its source question."""
    pairs = []
    for path in sorted(DATA.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path.name}:{number}: not JSON ({error.msg})") from None
            row.setdefault("language", "en")
            pairs.append(row)
    for row in pairs:
        row["half"] = _half(row["a"])
    return pairs


def _half(text: str) -> str:
    return "train" if int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def neighbour_pairs(encoder, used: set[str], n: int = 300) -> list[dict]:  # type: ignore[no-untyped-def]
    """MedQA questions paired with their nearest other MedQA question (different questions)."""
    rows = [json.loads(line) for line in (FIXTURES / "medqa" / "test.jsonl").read_text().splitlines()]
    texts = [r["question"] for r in rows]
    vectors = encoder.encode(texts)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    out = []
    for i in range(0, len(texts), max(len(texts) // n, 1)):
        j = int(np.argmax(sims[i]))
        if texts[i] in used or texts[j] in used:
            continue
        out.append(
            {
                "id": f"neighbour-{i}-{j}",
                "kind": "neighbour",
                "label": 0,
                "language": "en",
                "a": texts[i],
                "b": texts[j],
            }
        )
        out[-1]["half"] = _half(texts[i])
    return out


def prf(predicted: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean predictions."""
    tp = float((predicted & labels).sum())
    precision = tp / predicted.sum() if predicted.sum() else 1.0
    recall = tp / labels.sum() if labels.sum() else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_cosine(cosines: np.ndarray, labels: np.ndarray) -> tuple[float, tuple[float, float, float]]:
    """The cosine threshold with the highest F1 on these pairs, and its figures."""
    best = (0.0, (0.0, 0.0, 0.0))
    for threshold in np.arange(0.5, 1.0, 0.005):
        figures = prf(cosines >= threshold, labels)
        if figures[2] > best[1][2]:
            best = (float(threshold), figures)
    return best


def line(name: str, figures: tuple[float, float, float]) -> str:
    return f"  {name:<44} P {figures[0]:.3f}  R {figures[1]:.3f}  F1 {figures[2]:.3f}"


def fit(features: np.ndarray, labels: np.ndarray, cosines: np.ndarray, floor: float):  # type: ignore[no-untyped-def]
    """Logistic weights on the training pairs at or above the cosine floor, and the threshold with the
    best F1 among those with precision >= 0.9 there."""
    from sklearn.linear_model import LogisticRegression

    from curation.paraphrase import ParaphraseModel

    keep = cosines >= floor
    model = LogisticRegression(C=1.0, max_iter=2000).fit(features[keep], labels[keep])
    trial = ParaphraseModel(tuple(model.coef_[0].tolist()), float(model.intercept_[0]), 0.5, floor)
    probabilities = np.where(keep, trial.probability(features), 0.0)
    best_threshold, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.3, 0.9, 0.01):
        p, _, f1 = prf(probabilities >= threshold, labels.astype(bool))
        if p >= 0.9 and f1 > best_f1:
            best_threshold, best_f1 = float(threshold), f1
    return ParaphraseModel(trial.weights, trial.bias, round(best_threshold, 2), floor)


def end_to_end(pairs: list[dict], encoder) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Pairs found by `find_duplicates(["semantic"])` with the paraphrase rule, in a pool of other
    questions: positives in one pool, negatives in another (a text is in one pair per pool)."""
    from curation.config import DedupConfig
    from curation.dedup import find_duplicates
    from curation.texts import ItemText

    used = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    background = []
    for name in ("medqa/test.jsonl", "medmcqa/test.jsonl"):
        rows = [json.loads(x)["question"] for x in (FIXTURES / name).read_text().splitlines()]
        background += [r for r in rows[1::3] if r not in used][:750]
    out: dict[str, float] = {}
    for label in (1, 0):
        chosen = [p for p in pairs if p["label"] == label]
        texts = list(background)
        index_of: dict[str, int] = {}
        for p in chosen:
            for side in ("a", "b"):
                if p[side] not in index_of:
                    index_of[p[side]] = len(texts)
                    texts.append(p[side])
        items = [ItemText.make(str(i), t) for i, t in enumerate(texts)]
        start = time.perf_counter()
        outcome = find_duplicates(
            items, ["semantic"], DedupConfig(semantic_rule="paraphrase"), 12, None, encoder
        )
        out[f"seconds_{label}"] = time.perf_counter() - start
        group = {}
        for c in outcome.clusters:
            for member in c.members:
                group[int(member)] = c.kept
        linked = sum(
            1
            for p in chosen
            if group.get(index_of[p["a"]]) is not None
            and group.get(index_of[p["a"]]) == group.get(index_of[p["b"]])
        )
        out[f"linked_{label}"] = linked
        out[f"pairs_{label}"] = len(chosen)
        out[f"background_merged_{label}"] = sum(
            len(c.removed) for c in outcome.clusters if all(int(m) < len(background) for m in c.members)
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--fit", action="store_true", help="refit the verifier on the training half and print it"
    )
    parser.add_argument("--no-end-to-end", action="store_true", help="skip the pooled find_duplicates run")
    args = parser.parse_args()

    from curation.curate import embedder_from_options
    from curation.paraphrase import DEFAULT_MODEL, FEATURES, feature_matrix, one_word_edit

    encoder = embedder_from_options({})
    pairs = load_pairs()
    if not pairs:
        raise SystemExit(f"no pairs in {DATA}")
    pairs += neighbour_pairs(encoder, {p["a"] for p in pairs})
    a = encoder.encode([p["a"] for p in pairs])
    b = encoder.encode([p["b"] for p in pairs])
    cosines = (a * b).sum(axis=1).astype(np.float64)
    labels = np.asarray([p["label"] == 1 for p in pairs])
    start = time.perf_counter()
    features = feature_matrix(
        [p["a"] for p in pairs], [p["b"] for p in pairs], cosines.tolist(), encoder.encode
    )
    feature_seconds = time.perf_counter() - start
    test = np.asarray([p["half"] == "test" for p in pairs])
    kinds = sorted({p["kind"] for p in pairs})
    counts = ", ".join(f"{k} {sum(p['kind'] == k for p in pairs)}" for k in kinds)
    print(
        f"paraphrase pairs: {len(pairs)} ({counts}); "
        f"held-out half {int(test.sum())}, training half {int((~test).sum())}"
    )
    print(f"encoder {encoder.name}; features {', '.join(FEATURES)}")

    model = DEFAULT_MODEL
    if args.fit:
        model = fit(features[~test], labels[~test].astype(int), cosines[~test], DEFAULT_MODEL.min_cosine)
        weights = ", ".join(f"{w:.3f}" for w in model.weights)
        print(
            f"\nfitted on the training half: ParaphraseModel(weights=({weights}), bias={model.bias:.3f}, "
            f"threshold={model.threshold}, min_cosine={model.min_cosine})"
        )

    one_word = np.asarray([one_word_edit(p["a"], p["b"]) for p in pairs])

    def verified(mask: np.ndarray, near_copies: bool = False) -> np.ndarray:
        edits = one_word[mask] if near_copies else np.zeros(int(mask.sum()), dtype=bool)
        return model.decide(features[mask], cosines[mask], edits) >= model.threshold

    for name, mask in (("held-out half", test), ("training half", ~test)):
        print(f"\n{name} ({int(mask.sum())} pairs, {int(labels[mask].sum())} paraphrases):")
        print(line("cosine >= 0.88 (before the verifier)", prf(cosines[mask] >= 0.88, labels[mask])))
        threshold, figures = best_cosine(cosines[mask], labels[mask])
        print(line(f"best cosine on these pairs (>= {threshold:.3f})", figures))
        print(
            line(
                f"verifier (p >= {model.threshold}, cos >= {model.min_cosine})",
                prf(verified(mask), labels[mask]),
            )
        )
        predicted = verified(mask)
        for kind in kinds:
            of_kind = np.asarray([p["kind"] == kind for p in pairs])[mask]
            right = (predicted[of_kind] == labels[mask][of_kind]).mean() if of_kind.any() else float("nan")
            print(f"    {kind:<12} right {right:.3f} of {int(of_kind.sum())}")
        languages = sorted({p["language"] for p in pairs})
        by_language = []
        for language in languages:
            of_language = np.asarray([p["language"] == language for p in pairs])[mask]
            if of_language.any():
                right = (predicted[of_language] == labels[mask][of_language]).mean()
                by_language.append(f"{language} {right:.3f} ({int(of_language.sum())})")
        print(f"    by language, right: {'; '.join(by_language)}")

    print(
        f"\nverifier speed: {len(pairs) / feature_seconds:,.0f} pairs/s "
        "(features + MiniLM on asked sentences and differences)"
    )
    if not args.no_end_to_end:
        e2e = end_to_end([p for p in pairs if p["kind"] != "neighbour"], encoder)
        p1, n1 = e2e["linked_1"], e2e["pairs_1"]
        p0, n0 = e2e["linked_0"], e2e["pairs_0"]
        precision = p1 / (p1 + p0) if p1 + p0 else 1.0
        recall = p1 / n1 if n1 else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            "\nend to end, find_duplicates(['semantic']) with semantic_rule=paraphrase, "
            "pairs in a pool of 1,500 other questions:"
            f"\n  paraphrases merged {int(p1)}/{int(n1)}, changed-meaning copies merged {int(p0)}/{int(n0)}"
            f" -> P {precision:.3f} R {recall:.3f} F1 {f1:.3f} (all pairs, both halves);"
            f" background merges {int(e2e['background_merged_1'])};"
            f" {e2e['seconds_1'] + e2e['seconds_0']:.1f} s"
        )


if __name__ == "__main__":
    main()

"""Leakage and dedup quality on real reference benchmarks: known duplicates and injected rephrasings.

    python benchmarks/bench_leakage.py

1. Known duplicates in ../shared/fixtures: MedQA test_hard inside MedQA test (100/100), and the MMLU rows
   of medagentsbench/mmlu inside mmlu_medical/*.csv (1,086 of 1,089 share the normalised stem).
   Recall and precision per method (a hit counts when it names the right reference item).
2. Injected contamination: 200 reference items (MedQA test, MMLU csv) rephrased deterministically
   (word order, synonyms, option shuffle, sentence split, clinical filler; 2-3 of them each) hidden
   among 1,000 MedMCQA items that are not in the references: detection and false-positive rate per
   method, and per transform; then the semantic threshold sweep (pair F1) that sets the defaults.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from curation.config import DedupConfig  # noqa: E402
from curation.leakage import NgramIndex  # noqa: E402
from curation.minhash import minhash_edges  # noqa: E402
from curation.references import ReferenceItem, load_references  # noqa: E402
from curation.semantic import neighbours, semantic_edges  # noqa: E402
from curation.texts import ItemText, pair_rejection  # noqa: E402

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", REPO.parent / "shared" / "fixtures"))
REFS = FIXTURES / "reference_benchmarks"
CONFIG = DedupConfig()

SYNONYMS = {
    "patient": "individual",
    "presents": "comes in",
    "physician": "doctor",
    "most likely": "most probable",
    "diagnosis": "diagnostic impression",
    "treatment": "therapy",
    "following": "options below",
    "woman": "female",
    "man": "male",
    "shows": "reveals",
    "history": "past record",
    "pain": "discomfort",
    "examination": "exam",
    "increased": "elevated",
    "decreased": "reduced",
    "begins": "starts",
    "which": "what",
    "associated": "linked",
    "disease": "disorder",
    "blood pressure": "BP",
    "emergency department": "ER",
    "mechanism": "mode",
    "medication": "drug",
    "appropriate": "suitable",
    "because of": "due to",
    "weeks": "wks",
    "years": "yrs",
    "cause": "reason",
    "function": "role",
    "structure": "part",
}
FILLER = [
    "The patient has no known drug allergies.",
    "Vital signs are otherwise within normal limits.",
    "There is no relevant family history.",
    "He or she does not smoke or drink alcohol.",
    "The rest of the examination is unremarkable.",
]


def _word_order(q: ItemText, rng: random.Random) -> ItemText:
    parts = [p for p in q.stem.replace("? ", "?|").replace(". ", ".|").split("|") if p]
    if len(parts) > 1:
        stem = " ".join([parts[-1], *parts[:-1]])
    else:
        words = q.stem.split()
        cut = max(1, len(words) // 2)
        stem = " ".join(words[cut:] + words[:cut])
    return dataclasses.replace(q, stem=stem)


def _synonyms(q: ItemText, rng: random.Random) -> ItemText:
    stem, changed = q.stem, 0
    for old, new in SYNONYMS.items():
        if changed < 4 and old in stem:
            stem, changed = stem.replace(old, new, 1), changed + 1
    return dataclasses.replace(q, stem=stem)


def _option_shuffle(q: ItemText, rng: random.Random) -> ItemText:
    options = list(q.options)
    rng.shuffle(options)
    return dataclasses.replace(q, options=tuple(options))


def _sentence_split(q: ItemText, rng: random.Random) -> ItemText:
    for sep in (", and ", " and ", ", "):
        if sep in q.stem:
            head, tail = q.stem.split(sep, 1)
            return dataclasses.replace(q, stem=f"{head}. {tail[:1].upper()}{tail[1:]}")
    return q


def _filler(q: ItemText, rng: random.Random) -> ItemText:
    return dataclasses.replace(q, stem=f"{rng.choice(FILLER)} {q.stem} {rng.choice(FILLER)}")


TRANSFORMS = {
    "word_order": _word_order,
    "synonyms": _synonyms,
    "option_shuffle": _option_shuffle,
    "sentence_split": _sentence_split,
    "filler": _filler,
}


def rephrase(ref: ReferenceItem, index: int) -> tuple[ItemText, list[str]]:
    """A deterministic rephrased copy of a reference item and the transforms used."""
    rng = random.Random(index)
    names = rng.sample(sorted(TRANSFORMS), rng.choice((2, 3)))
    q = ref.as_text()
    for name in names:
        q = TRANSFORMS[name](q, rng)
    return ItemText.make(f"inj:{index}", q.stem, q.options), names


def embedder():  # type: ignore[no-untyped-def]
    from embeddings import CachedEmbedder, FastEncoder
    from embeddings.fast import cache_root

    return CachedEmbedder(FastEncoder(CONFIG.semantic_model, backend="onnx"), cache_root() / "embeddings")


def detect(items: list[ItemText], refs: list[ReferenceItem], enc, ref_vectors) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """method -> {item id: matched reference id}."""
    ref_texts = [r.as_text() for r in refs]
    out: dict[str, dict[str, str]] = {m: {} for m in ("exact", "ngram13", "minhash", "semantic")}
    keys: dict[str, str] = {}
    for r in ref_texts:
        keys.setdefault(r.exact_key(), r.item_id)
    for t in items:
        if t.exact_key() in keys:
            out["exact"][t.item_id] = keys[t.exact_key()]
    index = NgramIndex(refs, 13)
    for t in items:
        match = index.best_match(t.normalized)
        if match and match[1] >= CONFIG.leak_ngram_overlap:
            out["ngram13"][t.item_id] = refs[match[0]].ref_id
    pool = items + ref_texts
    best: dict[str, tuple[float, str]] = {}
    for i, j, score in minhash_edges([t.normalized for t in pool], CONFIG):
        a, b = sorted((i, j))
        if a < len(items) <= b and pair_rejection(pool[a], pool[b]) is None:
            if score > best.get(pool[a].item_id, (0.0, ""))[0]:
                best[pool[a].item_id] = (score, pool[b].item_id)
    out["minhash"] = {k: v for k, (_, v) in best.items()}
    sims, idx = neighbours(enc.encode([t.embedding_text for t in items]), ref_vectors, 3)
    for row, t in enumerate(items):
        plain = dataclasses.replace(t, language="")
        for sim, col in zip(sims[row], idx[row], strict=True):
            if sim < CONFIG.leak_semantic_threshold:
                break
            if pair_rejection(plain, ref_texts[col]) is None:
                out["semantic"][t.item_id] = ref_texts[col].item_id
                break
    return out


def known_duplicates(enc) -> None:  # type: ignore[no-untyped-def]
    print("1. Known duplicates in the fixtures (hit = names the right reference item)")
    medqa = load_references([REFS / "medagentsbench/medqa/test.jsonl"])
    hard = load_references([REFS / "medagentsbench/medqa/test_hard.jsonl"])
    csv_rows = load_references([REFS / "mmlu_medical"])
    jsonl = load_references([REFS / "medagentsbench/mmlu/test.jsonl"])
    cases = []
    truth_medqa = {
        f"medqa/test_hard:{r.ref_id.split(':')[1]}": f"medqa/test:{r.ref_id.split(':')[1]}" for r in hard
    }
    cases.append(("MedQA test_hard in test", hard, medqa, lambda i, r: truth_medqa.get(i) == r, len(hard)))
    by_stem: dict[str, set[str]] = {}
    for r in csv_rows:
        by_stem.setdefault(r.as_text().norm_stem, set()).add(r.ref_id)
    truth_mmlu = {r.ref_id: by_stem[r.as_text().norm_stem] for r in jsonl if r.as_text().norm_stem in by_stem}
    cases.append(
        (
            "MMLU jsonl in mmlu_medical csv",
            jsonl,
            csv_rows,
            lambda i, r: r in truth_mmlu.get(i, ()),
            len(truth_mmlu),
        )
    )
    for title, items, refs, correct, positives in cases:
        texts = [dataclasses.replace(r.as_text(), item_id=r.ref_id) for r in items]
        found = detect(texts, refs, enc, enc.encode([r.as_text().embedding_text for r in refs]))
        print(f"  {title} ({positives} true pairs of {len(items)} items, {len(refs)} references):")
        for method, hits in found.items():
            good = sum(1 for i, r in hits.items() if correct(i, r))
            precision = good / len(hits) if hits else 1.0
            print(
                f"    {method:9s} recall {good / positives:.3f}  precision {precision:.3f}  "
                f"({len(hits)} flagged)"
            )


def injected(enc) -> None:  # type: ignore[no-untyped-def]
    print("2. Injected contamination: 200 rephrased reference items among 1,000 MedMCQA items")
    refs = load_references(
        [REFS / "medagentsbench/medqa/test.jsonl", REFS / "mmlu_medical", REFS / "pubmedqa"]
    )
    mcq = [r for r in refs if r.options]
    chosen = random.Random(11).sample(mcq, 200)
    positives, used = [], {}
    for index, ref in enumerate(chosen):
        item, names = rephrase(ref, index)
        positives.append(item)
        used[item.item_id] = (ref.ref_id, names)
    negatives = [r.as_text() for r in load_references([REFS / "medagentsbench/medmcqa/test.jsonl"])[:1000]]
    ref_vectors = enc.encode([r.as_text().embedding_text for r in refs])
    start = time.perf_counter()
    found = detect(positives + negatives, refs, enc, ref_vectors)
    took = time.perf_counter() - start
    neg_ids = {t.item_id for t in negatives}
    union: dict[str, str] = {}
    for method in ("ngram13", "minhash", "semantic"):
        for k, v in found[method].items():
            union.setdefault(k, v)
    found["ngram13+minhash+semantic (default)"] = union
    for method, hits in found.items():
        detected = sum(1 for t in positives if hits.get(t.item_id) == used[t.item_id][0])
        false_pos = sum(1 for k in hits if k in neg_ids)
        print(
            f"    {method:36s} detected {detected / 200:.3f}  "
            f"false positives {false_pos / len(negatives):.3f} "
            f"({false_pos}/{len(negatives)})"
        )
    print(
        f"    (all four checks over 1,200 items vs {len(refs):,} references: {took:.1f} s, embeddings cached)"
    )
    per: dict[str, list[int]] = {}
    for t in positives:
        ok = union.get(t.item_id) == used[t.item_id][0]
        for name in used[t.item_id][1]:
            per.setdefault(name, []).append(int(ok))
    print(
        "    default detection by transform: "
        + ", ".join(f"{k} {sum(v) / len(v):.2f} (n={len(v)})" for k, v in sorted(per.items()))
    )

    print("   semantic dedup threshold sweep (pairs among 200 originals + 200 copies + 1,000 MedMCQA):")
    originals = [dataclasses.replace(r.as_text(), item_id=f"orig:{i}") for i, r in enumerate(chosen)]
    pool = originals + positives + negatives
    vectors = enc.encode([t.embedding_text for t in pool])
    truth = {frozenset((f"orig:{i}", f"inj:{i}")) for i in range(200)}
    for threshold in (0.80, 0.85, 0.88, 0.90, 0.93, 0.95):
        edges = semantic_edges(vectors, threshold, 10)
        pairs = {
            frozenset((pool[i].item_id, pool[j].item_id))
            for i, j, _ in edges
            if pair_rejection(pool[i], pool[j]) is None
        }
        tp = len(pairs & truth)
        precision = tp / len(pairs) if pairs else 1.0
        recall = tp / len(truth)
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        print(
            f"    cos {threshold:.2f}: recall {recall:.3f} precision {precision:.3f} F1 {f1:.3f} "
            f"({len(pairs)} pairs)"
        )


def main() -> None:
    if not REFS.is_dir():
        sys.exit(f"fixture missing: {REFS} (set MEDFORGE_FIXTURES)")
    print(
        f"settings: {CONFIG}; leak: ngram13 overlap >= {CONFIG.leak_ngram_overlap}, "
        f"cos >= {CONFIG.leak_semantic_threshold}"
    )
    enc = embedder()
    known_duplicates(enc)
    injected(enc)
    print(
        "Not caught: translated copies. all-MiniLM-L6-v2 is English-only, so a Portuguese or Chinese copy "
        "of a "
        "reference item lands far from it; set curation.options.semantic_model to a multilingual "
        "sentence-transformers model (e.g. paraphrase-multilingual-MiniLM-L12-v2, a local path offline) and "
        "the same code compares across languages."
    )


if __name__ == "__main__":
    main()

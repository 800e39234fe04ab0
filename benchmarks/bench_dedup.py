"""Dedup speed and quality: MinHash vs plain datasketch, plain vs fast embeddings, semantic dedup at scale.

    python benchmarks/bench_dedup.py                      # everything, 10K end to end
    python benchmarks/bench_dedup.py --sizes 10000 100000 # end-to-end semantic dedup at 10K and 100K
    python benchmarks/bench_dedup.py --only e2e --sizes 100000

Synthetic short items are three 6-10 word windows of different real questions (MedQA, MedMCQA, MMLU
in ../shared/fixtures), so vocabulary and n-gram statistics are real; 2% are planted exact copies
(case and punctuation changed) and 3% planted one- or two-word edits, which are the ground truth.
Each end-to-end size runs in its own process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FIXTURES = Path(os.environ.get("MEDFORGE_FIXTURES", REPO.parent / "shared" / "fixtures"))
REFS = FIXTURES / "reference_benchmarks" / "medagentsbench"


def real_questions() -> list[str]:
    """Questions of MedQA, MedMCQA and MMLU (medagentsbench) from the fixtures."""
    out = []
    for name in ("medqa/test.jsonl", "medmcqa/test.jsonl", "mmlu/test.jsonl"):
        path = REFS / name
        if not path.is_file():
            sys.exit(f"fixture missing: {path} (set MEDFORGE_FIXTURES)")
        out.extend(json.loads(line)["question"] for line in path.open(encoding="utf-8"))
    return out


def synthetic_items(n: int, seed: int = 7) -> tuple[list[str], dict[int, int]]:
    """n short items and the planted duplicates {copy index: original index}."""
    rng = random.Random(seed)
    words = [q.split() for q in real_questions()]
    words = [w for w in words if len(w) >= 12]
    vocabulary = [t for w in words[:2000] for t in w]
    texts: list[str] = []
    planted: dict[int, int] = {}
    while len(texts) < n:
        roll = rng.random()
        if texts and roll < 0.02:
            original = rng.randrange(len(texts))
            planted[len(texts)] = original
            texts.append(texts[original].upper().replace(",", "").rstrip(".?") + " ?")
        elif texts and roll < 0.05:
            original = rng.randrange(len(texts))
            tokens = texts[original].split()
            for _ in range(rng.choice((1, 2))):
                pos = rng.randrange(len(tokens))
                if rng.random() < 0.5:
                    tokens[pos] = rng.choice(vocabulary)
                elif len(tokens) > 5:
                    del tokens[pos]
            planted[len(texts)] = original
            texts.append(" ".join(tokens))
        else:
            parts = []
            for _ in range(3):
                source = rng.choice(words)
                size = rng.randint(6, 10)
                start = rng.randrange(0, max(1, len(source) - size))
                parts.append(" ".join(source[start : start + size]))
            texts.append(" ".join(parts))
    return texts, planted


def score_removals(clusters, planted: dict[int, int]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Recall: planted copies merged with an item of the same origin; precision: merges of one origin."""

    def origin(i: int) -> int:
        while i in planted:
            i = planted[i]
        return i

    partners: dict[int, list[int]] = {}
    pairs = 0
    true_pairs = 0
    for cluster in clusters:
        kept = int(cluster.kept)
        for member in map(int, cluster.removed):
            pairs += 1
            true_pairs += origin(kept) == origin(member)
            partners.setdefault(kept, []).append(member)
            partners.setdefault(member, []).append(kept)
    found = sum(1 for c in planted if any(origin(p) == origin(c) for p in partners.get(c, ())))
    return (found / len(planted) if planted else 1.0), (true_pairs / pairs if pairs else 1.0)


def bench_minhash(n: int) -> None:
    """Our vectorised MinHash LSH vs datasketch used plainly, same shingles, same data."""
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from curation.config import DedupConfig
    from curation.dedup import find_duplicates
    from curation.minhash import candidate_pairs, shingle_hashes, signatures
    from curation.texts import ItemText
    from textkit import normalize_text

    texts, planted = synthetic_items(n)
    config = DedupConfig()
    normalized = [normalize_text(t) for t in texts]
    start = time.perf_counter()
    shingles = shingle_hashes(normalized, "char", 5)
    sigs = signatures(shingles, config.num_perm, config.seed)
    pairs = candidate_pairs(sigs, config.bands, config.rows)
    ours = time.perf_counter() - start

    sample = min(n, 5000)
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for index, text in enumerate(normalized[:sample]):
        m = MinHash(num_perm=128)
        m.update_batch([text[i : i + 5].encode() for i in range(max(1, len(text) - 4))])
        lsh.insert(str(index), m)
        lsh.query(m)
    plain = (time.perf_counter() - start) * n / sample
    print(f"MinHash LSH, {n:,} items, char-5 shingles, 128 perms:")
    print(f"  medforge vectorised: {ours:6.2f} s  ({n / ours:,.0f} items/s), {len(pairs):,} candidate pairs")
    print(
        f"  datasketch plain:    {plain:6.2f} s  ({n / plain:,.0f} items/s; timed on {sample:,}, scaled)"
        f"  -> speed-up x{plain / ours:.1f}"
    )
    del np
    items = [ItemText.make(str(i), t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    outcome = find_duplicates(items, ["exact", "minhash"], config, min_chars=12)
    took = time.perf_counter() - start
    recall, precision = score_removals(outcome.clusters, planted)
    print(
        f"  exact+minhash dedup incl. verification: {took:.2f} s; planted copies+edits recall {recall:.3f}, "
        f"merge precision {precision:.3f} ({len(planted):,} planted)"
    )


def exam_questions(limit: int) -> list[str]:
    """Real exam questions with options, as the dedup encoder reads them."""
    out = []
    for name in ("medqa/test.jsonl", "medmcqa/test.jsonl", "mmlu/test.jsonl"):
        for line in (REFS / name).open(encoding="utf-8"):
            row = json.loads(line)
            out.append(row["question"] + "\n" + "\n".join(str(v) for v in row["options"].values()))
    random.Random(3).shuffle(out)
    return out[:limit]


def bench_embeddings(n: int) -> None:
    """Items/s of plain sentence-transformers vs the fast path (ONNX fp32, ONNX int8), same texts."""
    import numpy as np

    from embeddings import FastEncoder, SentenceEncoder

    texts = exam_questions(n)
    plain = SentenceEncoder(device="cpu")
    plain.encode(texts[:32])
    start = time.perf_counter()
    reference = plain.encode(texts)
    plain_s = time.perf_counter() - start
    print(f"Embedding throughput, {n:,} real exam questions with options, {os.cpu_count()} CPU cores:")
    print(f"  plain sentence-transformers (batch 64, fp32): {n / plain_s:7.1f} items/s")
    for label, encoder in (
        ("fast ONNX fp32, length-sorted", FastEncoder(backend="onnx", quantize=False)),
        ("fast ONNX int8, length-sorted", FastEncoder(backend="onnx", quantize=True)),
    ):
        encoder.encode(texts[:32])
        start = time.perf_counter()
        vectors = encoder.encode(texts)
        took = time.perf_counter() - start
        cosine = (vectors * reference).sum(1)
        print(
            f"  {label:30s}: {n / took:7.1f} items/s  x{plain_s / took:.1f}  "
            f"cosine to plain: mean {cosine.mean():.4f}, min {cosine.min():.4f}"
        )
    del np


def e2e_one(n: int) -> dict[str, float]:
    """End-to-end semantic dedup of n synthetic items (exact -> semantic), in this process."""
    from curation.config import DedupConfig
    from curation.dedup import find_duplicates
    from curation.texts import ItemText
    from embeddings import FastEncoder

    texts, planted = synthetic_items(n)
    encoder = FastEncoder(backend="onnx", quantize=True)
    timings: dict[str, float] = {}

    class Timed:
        name = encoder.name

        def encode(self, batch):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            out = encoder.encode(batch)
            timings["embed_s"] = time.perf_counter() - start
            return out

    items = [ItemText.make(str(i), t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    outcome = find_duplicates(items, ["exact", "semantic"], DedupConfig(), 12, None, Timed())
    total = time.perf_counter() - start
    recall, precision = score_removals(outcome.clusters, planted)
    return {
        "n": n,
        "total_s": total,
        "embed_s": timings.get("embed_s", 0.0),
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "recall": recall,
        "precision": precision,
        "removed": sum(len(c.removed) for c in outcome.clusters),
        "planted": len(planted),
    }


def bench_e2e(sizes: list[int]) -> None:
    print(
        "End-to-end semantic dedup (exact, then MiniLM ONNX int8 + FAISS, cos 0.88), synthetic short items:"
    )
    for n in sizes:
        run = subprocess.run(
            [sys.executable, __file__, "--e2e-one", str(n)], capture_output=True, text=True, check=False
        )
        if run.returncode != 0:
            print(f"  {n:>9,}: failed: {run.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        search = r["total_s"] - r["embed_s"]
        print(
            f"  {r['n']:>9,} items: {r['total_s']:7.1f} s total ({r['n'] / r['total_s']:,.0f} items/s; "
            f"embed {r['embed_s']:.1f} s, search+cluster {search:.1f} s), "
            f"peak RSS {r['peak_rss_gib']:.2f} GiB, "
            f"planted recall {r['recall']:.3f}, precision {r['precision']:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["minhash", "embed", "e2e"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--minhash-n", type=int, default=100_000)
    parser.add_argument("--embed-n", type=int, default=2000)
    parser.add_argument("--e2e-one", type=int)
    args = parser.parse_args()
    if args.e2e_one:
        print(json.dumps(e2e_one(args.e2e_one)))
        return
    if args.only in (None, "minhash"):
        bench_minhash(args.minhash_n)
    if args.only in (None, "embed"):
        bench_embeddings(args.embed_n)
    if args.only in (None, "e2e"):
        bench_e2e(args.sizes)


if __name__ == "__main__":
    main()

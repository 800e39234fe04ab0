"""Dedup at scale, in process vs on a local Ray: time and peak memory, and the same clusters.

    python benchmarks/bench_scale.py                 # 100K synthetic short items, exact + minhash
    python benchmarks/bench_scale.py --million       # 1M as well
    python benchmarks/bench_scale.py --semantic 5000 # also semantic dedup (embedding) on 5K items

Items are 8-14 pseudo-words drawn from a 3,000-word vocabulary (seeded), with 2% planted exact
copies (case and punctuation changed) and 3% one-word edits. Each engine and size runs in a process
of its own, so its peak memory is its own: `driver` is that process's max RSS (getrusage), `ray` the
peak of the summed RSS of the Ray processes it started (GCS, raylet, workers; sampled with psutil
every 0.2 s). The local Ray is started for the run on 127.0.0.1 with this machine's CPUs; its start
is part of the time. A line per run: wall seconds, peak memory, clusters, and a hash of the clusters
(equal hashes: the same result).

On a real cluster the same run is `RAY_ADDRESS=<head>:6379 medforge dedup ITEMS --engine ray ...`
(or `execution: {engine: ray, address: ...}` in a spec); see the README's "Scaling out with Ray".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def synthetic_texts(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(id, text) of n short items with planted exact copies and one-word edits."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    rows: list[tuple[str, str]] = []
    for index in range(n):
        roll = rng.random()
        if rows and roll < 0.02:
            text = rng.choice(rows)[1].upper() + " ?"
        elif rows and roll < 0.05:
            words = rng.choice(rows)[1].split()
            words[rng.randrange(len(words))] = rng.choice(vocab)
            text = " ".join(words)
        else:
            text = " ".join(rng.choice(vocab) for _ in range(rng.randint(8, 14))) + "?"
        rows.append((f"s{index:07d}", text))
    return rows


class RaySampler:
    """Peak of the summed RSS of this process's descendants (the Ray processes it started)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> RaySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_one(engine_name: str, n: int, methods: list[str], batch_size: int) -> dict[str, object]:
    """One dedup run in this process; what it measured."""
    from curation.config import DedupConfig
    from curation.dedup import find_duplicates
    from curation.texts import ItemText
    from embeddings import LazyEmbedder
    from engines import open_engine

    texts = [ItemText.make(item_id, text) for item_id, text in synthetic_texts(n)]
    start = time.perf_counter()
    with RaySampler() as sampler:
        engine = open_engine(engine_name, batch_size=batch_size)
        embedder = LazyEmbedder(engine=engine) if "semantic" in methods else None
        try:
            outcome = find_duplicates(texts, methods, DedupConfig(), 12, None, embedder, engine)
        finally:
            engine.close()
    seconds = time.perf_counter() - start
    rows = sorted(json.dumps(c.as_row(), sort_keys=True) for c in outcome.clusters)
    return {
        "engine": engine_name,
        "items": n,
        "methods": "+".join(methods),
        "seconds": round(seconds, 1),
        "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "ray_peak_mib": sampler.peak // (1 << 20),
        "clusters": len(outcome.clusters),
        "removed": sum(len(c.removed) for c in outcome.clusters),
        "clusters_sha256": hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--million", action="store_true", help="also 1M items")
    parser.add_argument("--sizes", type=int, nargs="*", help="item counts (default 100000)")
    parser.add_argument("--semantic", type=int, default=0, help="also exact+minhash+semantic on N items")
    parser.add_argument("--engines", nargs="*", default=["local", "ray"])
    parser.add_argument("--batch-size", type=int, default=8192)
    parser.add_argument("--run", nargs=3, metavar=("ENGINE", "N", "METHODS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        engine, n, methods = args.run
        print(json.dumps(run_one(engine, int(n), methods.split("+"), args.batch_size)))
        return
    plan = [(n, "exact+minhash") for n in (args.sizes or [100_000])]
    if args.million:
        plan.append((1_000_000, "exact+minhash"))
    if args.semantic:
        plan.append((args.semantic, "exact+minhash+semantic"))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.setdefault("MEDFORGE_QUIET", "1")
    print(
        f"{'engine':<6} {'items':>9} {'methods':<24} {'seconds':>8} {'driver MiB':>10} {'ray MiB':>8} "
        f"{'clusters':>8} {'removed':>8}  clusters sha256"
    )
    for n, methods in plan:
        for engine in args.engines:
            command = [sys.executable, __file__, "--run", engine, str(n), methods]
            command += ["--batch-size", str(args.batch_size)]
            done = subprocess.run(command, capture_output=True, text=True, env=env)
            if done.returncode:
                print(f"{engine} {n} failed:\n{done.stderr[-2000:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{r['engine']:<6} {r['items']:>9} {r['methods']:<24} {r['seconds']:>8} "
                f"{r['driver_peak_mib']:>10} {r['ray_peak_mib']:>8} {r['clusters']:>8} {r['removed']:>8}  "
                f"{r['clusters_sha256']}"
            )


if __name__ == "__main__":
    main()

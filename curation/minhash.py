"""Near-duplicate detection with MinHash LSH over the whole corpus, with an exact verification step.

Shingle hashes are rolled in numpy over all texts of a block at once, signatures come from rensa (Rust
MinHash, PyPI) reading those hashes as one flat buffer (or from a numpy fallback), LSH bands bucket
the signatures with no per-bucket Python loop, and every candidate pair is verified on its exact
shingle Jaccard, so precision never rests on the LSH estimate. Texts are processed in blocks and their
shingles dropped after signing; the few texts in candidate pairs are shingled again for verification,
so memory stays at the signature matrix (n x num_perm x 4 bytes) plus one block.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from curation.config import DedupConfig
from engines import BatchEngine, LocalEngine
from schemas.progress import meter
from textkit import tokens

_PRIME = np.uint64(1099511628211)
_CHUNK_SHINGLES = 1 << 11
_BIG_BUCKET = 64
_BLOCK_TEXTS = 8192
"""Texts (or candidate pairs) per batch when no engine is given (bounds the shingle buffers, about
10 MB per batch); an engine's own `batch_size` applies otherwise."""
SIGNATURE_BACKENDS = ("rensa", "numpy")


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads polynomial hashes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _symbols(texts: Sequence[str], shingle: str) -> np.ndarray:
    """All texts as one uint64 symbol stream, 0 separating texts (chars as code points, words as ids).

    Word ids are crc32 of the token (+1), so a text gets the same symbols whatever texts it is shingled
    with: a verification pass over a few texts reproduces the block's hashes exactly.
    """
    if shingle == "char":
        joined = "\x00".join(texts) + "\x00"
        return np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    stream: list[int] = []
    for text in texts:
        stream.extend(zlib.crc32(t.encode()) + 1 for t in tokens(text))
        stream.append(0)
    return np.asarray(stream, dtype=np.uint64)


@dataclass(frozen=True)
class Shingles:
    """Every text's shingle hashes: `hashes[offsets[i]:offsets[i+1]]` are text i's (in text order).

    A hash repeats when a shingle does; `of` gives the set.
    """

    hashes: np.ndarray
    offsets: np.ndarray

    def of(self, index: int) -> np.ndarray:
        """Sorted unique shingle hashes of one text."""
        return np.unique(self.hashes[self.offsets[index] : self.offsets[index + 1]])

    def __len__(self) -> int:
        return len(self.offsets) - 1


def shingle_hashes(
    texts: Sequence[str], shingle: str = "char", size: int = 5, indices: Sequence[int] | None = None
) -> Shingles:
    """Shingle hashes of normalised texts; a text shorter than one shingle is one shingle by itself.

    `indices` are the texts' positions in the whole corpus (default 0..n-1): an empty text's one
    shingle is keyed by it, so two empty texts never match.
    """
    n = len(texts)
    codes = _symbols(texts, shingle)
    is_sep = codes == 0
    width = len(codes) - size + 1
    if width > 0:
        h = np.zeros(width, dtype=np.uint64)
        for j in range(size):
            h *= _PRIME
            h += codes[j : j + width]
        seps = np.cumsum(is_sep)
        valid = np.empty(width, dtype=bool)
        valid[0] = seps[size - 1] == 0
        np.equal(seps[size - 1 : size - 1 + width][1:], seps[: width - 1], out=valid[1:])
        del seps
        hashes = _mix64(h[valid])
        docs = (np.cumsum(is_sep) - is_sep)[:width][valid]
        del h, valid
    else:
        hashes, docs = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    counts = np.bincount(docs, minlength=n)
    short = np.flatnonzero(counts == 0)
    if len(short):
        where = list(indices) if indices is not None else range(n)
        extra = np.asarray(
            [zlib.crc32(f"{texts[i]}\x00{'' if texts[i] else where[i]}".encode()) for i in short],
            dtype=np.uint64,
        )
        hashes = np.concatenate((hashes, _mix64(extra + np.uint64(1 << 40))))
        docs = np.concatenate((docs, short))
        order = np.argsort(docs, kind="stable")
        hashes = hashes[order]
        counts = np.bincount(docs, minlength=n)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return Shingles(hashes=hashes, offsets=offsets)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    multipliers = (rng.integers(0, 2**31, size=num_perm, dtype=np.uint32) * 2 + 1).astype(np.uint32)
    offsets = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32)
    return multipliers, offsets


def _numpy_signatures(shingles: Shingles, num_perm: int, seed: int) -> np.ndarray:
    """The fallback family: permutation i is a_i * h + b_i mod 2**32 (a_i odd), in cache-sized blocks."""
    multipliers, offsets = _permutations(num_perm, seed)
    top = (shingles.hashes >> np.uint64(32)).astype(np.uint32)
    n = len(shingles)
    out = np.empty((n, num_perm), dtype=np.uint32)
    buffer = np.empty((_CHUNK_SHINGLES * 2, num_perm), dtype=np.uint32)
    start = 0
    while start < n:
        stop = int(np.searchsorted(shingles.offsets, shingles.offsets[start] + _CHUNK_SHINGLES, "right")) - 1
        stop = max(stop, start + 1)
        lo, hi = shingles.offsets[start], shingles.offsets[stop]
        block = buffer[: hi - lo] if hi - lo <= len(buffer) else np.empty((hi - lo, num_perm), np.uint32)
        np.multiply(top[lo:hi, None], multipliers[None, :], out=block)
        block += offsets
        out[start:stop] = np.minimum.reduceat(block, shingles.offsets[start:stop] - lo, axis=0)
        start = stop
    return out


def _rensa_signatures(shingles: Shingles, num_perm: int, seed: int) -> np.ndarray:
    """rensa's RMinHash digests of the flat hash buffer (one Rust call per block)."""
    from rensa import RMinHash

    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        shingles.hashes, shingles.offsets.astype(np.uint64), num_perm, seed
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(shingles), num_perm)


def signatures(shingles: Shingles, num_perm: int = 128, seed: int = 1, backend: str = "rensa") -> np.ndarray:
    """(n, num_perm) uint32 MinHash signatures, from rensa (default) or the numpy fallback.

    Both estimate Jaccard without bias (checked in the tests); candidates are verified on exact
    Jaccard anyway, so the backend moves recall at the margin, never precision.
    """
    if backend == "rensa":
        return _rensa_signatures(shingles, num_perm, seed)
    if backend == "numpy":
        return _numpy_signatures(shingles, num_perm, seed)
    raise ValueError(f"unknown signature backend {backend!r}; choose from {', '.join(SIGNATURE_BACKENDS)}")


@dataclass(frozen=True)
class SignatureBatch:
    """`engine.map_batches` function: the signatures of one batch of texts (shingles not kept)."""

    config: DedupConfig

    def __call__(self, start: int, texts: list[str]) -> np.ndarray:
        config = self.config
        where = range(start, start + len(texts))
        shingles = shingle_hashes(texts, config.shingle, config.shingle_size, where)
        return signatures(shingles, config.num_perm, config.seed, config.minhash_backend)


def corpus_signatures(
    texts: Sequence[str], config: DedupConfig, engine: BatchEngine | None = None
) -> np.ndarray:
    """Signatures of all texts, shingled and signed batch by batch on `engine` (default: in process).

    A text's signature depends on it alone, so the batch size and the engine never change a result.
    """
    engine = engine or LocalEngine(_BLOCK_TEXTS)
    out = np.empty((len(texts), config.num_perm), dtype=np.uint32)
    lo = 0
    with meter("MinHash signatures", len(texts), "texts") as advance:
        for block in engine.map_batches(SignatureBatch(config), texts):
            out[lo : lo + len(block)] = block
            lo += len(block)
            advance(len(block))
    return out


def _band_keys(sigs: np.ndarray, band: int, rows: int) -> np.ndarray:
    key = np.zeros(len(sigs), dtype=np.uint64)
    for col in sigs[:, band * rows : (band + 1) * rows].T:
        key = _mix64(key ^ col.astype(np.uint64))
    return key


def candidate_pairs(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(m, 2) unique index pairs i < j that share at least one LSH band bucket, sorted.

    Buckets of one size are expanded together (all pairs of each); a bucket of more than 64 links
    each member to the first and to its neighbour instead of all pairs.
    """
    n = len(sigs)
    found: list[np.ndarray] = []
    for band in range(bands):
        key = _band_keys(sigs, band, rows)
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        sizes = np.diff(np.concatenate((starts, [n])))
        for size in np.unique(sizes[sizes > 1]).tolist():
            at = starts[sizes == size]
            if size <= _BIG_BUCKET:
                members = order[at[:, None] + np.arange(size)]
                a, b = np.triu_indices(size, k=1)
                found.append(np.stack((members[:, a].ravel(), members[:, b].ravel()), axis=1))
                continue
            for start in at.tolist():
                members = order[start : start + size]
                found.append(np.stack((np.repeat(members[0], size - 1), members[1:]), axis=1))
                found.append(np.stack((members[:-1], members[1:]), axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    pairs = np.stack((codes // n, codes % n), axis=1)
    return pairs[pairs[:, 0] != pairs[:, 1]]


def jaccard(shingles: Shingles, i: int, j: int) -> float:
    """Exact Jaccard of two texts' shingle sets."""
    a, b = shingles.of(i), shingles.of(j)
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 1.0


def _estimates(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Signature agreement of each pair (the MinHash Jaccard estimate), in bounded chunks."""
    estimate = np.empty(len(pairs))
    for lo in range(0, len(pairs), 1 << 14):
        part = pairs[lo : lo + (1 << 14)]
        estimate[lo : lo + len(part)] = (sigs[part[:, 0]] == sigs[part[:, 1]]).mean(axis=1)
    return estimate


@dataclass(frozen=True)
class VerifyBatch:
    """`engine.map_batches` function: candidate pairs `(i, j, text_i, text_j)` kept as edges
    `(i, j, jaccard)` when their exact shingle Jaccard reaches the threshold (input order kept)."""

    config: DedupConfig

    def __call__(self, start: int, pairs: list[tuple[int, int, str, str]]) -> list[tuple[int, int, float]]:
        config = self.config
        text_of: dict[int, str] = {}
        for i, j, text_i, text_j in pairs:
            text_of[i], text_of[j] = text_i, text_j
        involved = sorted(text_of)
        shingles = shingle_hashes(
            [text_of[g] for g in involved], config.shingle, config.shingle_size, involved
        )
        sets = {g: shingles.of(k) for k, g in enumerate(involved)}
        edges = []
        for i, j, _, _ in pairs:
            a, b = sets[i], sets[j]
            inter = len(np.intersect1d(a, b, assume_unique=True))
            union = len(a) + len(b) - inter
            score = inter / union if union else 1.0
            if score >= config.minhash_threshold:
                edges.append((i, j, score))
        return edges


def _pair_texts(texts: Sequence[str], pairs: np.ndarray) -> Iterator[tuple[int, int, str, str]]:
    """Each candidate pair with its two texts, made as the engine takes them (never all at once)."""
    for lo in range(0, len(pairs), 1 << 16):
        for i, j in pairs[lo : lo + (1 << 16)].tolist():
            yield i, j, texts[i], texts[j]


def minhash_edges(
    texts: Sequence[str], config: DedupConfig, engine: BatchEngine | None = None
) -> list[tuple[int, int, float]]:
    """Verified near-duplicate edges (i, j, jaccard), i < j and sorted, among normalised texts.

    Signatures and the verification of candidate pairs run as batches on `engine`; LSH banding runs
    here, over the signature matrix."""
    if len(texts) < 2:
        return []
    engine = engine or LocalEngine(_BLOCK_TEXTS)
    sigs = corpus_signatures(texts, config, engine)
    pairs = candidate_pairs(sigs, config.bands, config.rows)
    if not len(pairs):
        return []
    pairs = pairs[_estimates(sigs, pairs) >= config.minhash_threshold - 0.2]
    del sigs
    edges: list[tuple[int, int, float]] = []
    for found in engine.map_batches(VerifyBatch(config), _pair_texts(texts, pairs)):
        edges.extend(found)
    return edges

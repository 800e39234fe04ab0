"""Paraphrase verification: is a close pair one question reworded, or two questions that read alike?

Cosine alone cannot tell them apart: a doctor's rewording of a vignette ("dyspnea" for "shortness of
breath", the sentences reordered) can sit below a cosine a one-word change of meaning ("fever" ->
"no fever", "diagnosis" -> "next step") sits above. The verifier looks at what differs: the pair's
cosine, how much wording and how many numbers the two share, whether negations agree, how close the
asked sentences are, and how close the words only one side has are to the words only the other has
(synonyms are close, a changed finding is not). A logistic model over these features, fitted on
hand-written paraphrase and changed-meaning pairs (`benchmarks/bench_paraphrase.py --fit`, data in
`benchmarks/data/paraphrase/`), gives a probability; a pair is a paraphrase at or above a threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from textkit import EVERY_STOP, normalize_text, split_sentences, tokens
from vocabulary.polarity import polarity_count

FEATURES = (
    "cosine",
    "token_jaccard",
    "token_containment",
    "char_jaccard",
    "numbers_kept",
    "polarity_agrees",
    "question_cosine",
    "difference_cosine",
)
"""The verifier's inputs, in the order of `ParaphraseModel.weights`."""

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class ParaphraseModel:
    """Logistic weights over `FEATURES`, the probability a pair must reach, and the cosine below
    which a pair is never verified (it is not close enough to be a copy)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    min_cosine: float
    near_copy_cosine: float = 0.88
    """A pair at or above this cosine that differs by at most one word on each side is a near-copy
    whatever the word (probability 1): dedup merges such an edit by MinHash anyway, and a one-word
    swap in a long vignette reads to the features like a changed finding."""

    def probability(self, features: np.ndarray) -> np.ndarray:
        """The logistic model's P(paraphrase) of each row of an (n, len(FEATURES)) feature matrix."""
        z = features @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def decide(self, features: np.ndarray, cosines: np.ndarray, one_word: np.ndarray) -> np.ndarray:
        """P(paraphrase) by the whole rule: 0 below the cosine floor, 1 for a near-copy (`one_word`:
        the pair differs by at most one word a side), else the model's probability."""
        out = np.where(cosines >= self.min_cosine, self.probability(features), 0.0)
        return np.where(one_word & (cosines >= self.near_copy_cosine), 1.0, out)


DEFAULT_MODEL = ParaphraseModel(
    weights=(1.394, -0.811, -0.242, -1.626, 3.531, 0.832, 0.682, 3.110),
    bias=-5.403,
    threshold=0.54,
    min_cosine=0.7,
)
"""Fitted by `benchmarks/bench_paraphrase.py --fit` on the training half of the hand-written pairs."""


@dataclass(frozen=True)
class PairText:
    """What the verifier reads of one text, computed once however many pairs it is in."""

    tokens: tuple[str, ...]
    chars: frozenset[str]
    numbers: frozenset[str]
    polarity: int
    question: str

    @classmethod
    def of(cls, text: str) -> PairText:
        normalized = normalize_text(text)
        toks = tuple(tokens(normalized))
        squeezed = normalized.replace(" ", "")
        chars = frozenset(squeezed[i : i + 3] for i in range(max(len(squeezed) - 2, 0)))
        sentences = [s for s in split_sentences(text, EVERY_STOP) if s.strip()]
        asking = [s for s in sentences if s.rstrip().endswith(("?", "？"))]
        question = (asking or sentences or [text])[-1].strip()
        numbers = frozenset(n.replace(",", ".") for n in _NUMBER.findall(text))
        return cls(toks, chars, numbers, polarity_count(normalized), question)


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _numbers_kept(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller side's numbers the other has (a changed age or lab value drops it)."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.5
    return len(a & b) / min(len(a), len(b))


def _difference(a: PairText, b: PairText) -> tuple[str, str]:
    """The words only `a` has and the words only `b` has, in text order."""
    left, right = set(a.tokens), set(b.tokens)
    return " ".join(t for t in a.tokens if t not in right), " ".join(t for t in b.tokens if t not in left)


def pair_features(
    a: PairText, b: PairText, cosine: float, question_cosine: float, difference_cosine: float
) -> list[float]:
    """One pair's feature row (see `FEATURES`); the cosines come from the sentence encoder."""
    left, right = set(a.tokens), set(b.tokens)
    smaller = min(len(left), len(right))
    return [
        cosine,
        _jaccard(left, right),
        len(left & right) / smaller if smaller else 1.0,
        _jaccard(a.chars, b.chars),
        _numbers_kept(a.numbers, b.numbers),
        1.0 if a.polarity == b.polarity else 0.0,
        question_cosine,
        difference_cosine,
    ]


def _row_cosines(vectors: np.ndarray, left: Sequence[int], right: Sequence[int]) -> np.ndarray:
    if not len(left):
        return np.zeros(0)
    return (vectors[list(left)] * vectors[list(right)]).sum(axis=1).astype(np.float64)


def feature_matrix(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    cosines: Sequence[float],
    encode: Callable[[Sequence[str]], np.ndarray],
) -> np.ndarray:
    """(n, len(FEATURES)) features of the pairs (texts_a[i], texts_b[i]) whose whole-text cosines are
    given; `encode` (the same sentence encoder) reads their asked sentences and differing words."""
    a = [PairText.of(t) for t in texts_a]
    b = [PairText.of(t) for t in texts_b]
    differences = [_difference(x, y) for x, y in zip(a, b, strict=True)]
    strings: dict[str, int] = {}
    for s in [*(x.question for x in a), *(y.question for y in b), *(d for pair in differences for d in pair)]:
        if s:
            strings.setdefault(s, len(strings))
    vectors = np.asarray(encode(list(strings)), dtype=np.float32) if strings else np.zeros((0, 1), np.float32)
    questions = _row_cosines(vectors, [strings[x.question] for x in a], [strings[y.question] for y in b])
    rows = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        only_a, only_b = differences[i]
        if not only_a and not only_b:
            difference = 1.0
        elif not only_a or not only_b:
            difference = 0.5  # one side only adds or drops words: neither a synonym nor a swap
        else:
            difference = float(vectors[strings[only_a]] @ vectors[strings[only_b]])
        rows.append(pair_features(x, y, float(cosines[i]), float(questions[i]), difference))
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def verify_pairs(
    texts: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    cosines: Sequence[float],
    encode: Callable[[Sequence[str]], np.ndarray],
    model: ParaphraseModel = DEFAULT_MODEL,
) -> np.ndarray:
    """P(paraphrase) of each pair (i, j) of `texts`: 0 below the model's cosine floor, 1 for a
    near-copy (see `ParaphraseModel.near_copy_cosine`), else the model's probability."""
    out = np.zeros(len(pairs), dtype=np.float64)
    close = [k for k, c in enumerate(cosines) if c >= model.min_cosine]
    if close:
        features = feature_matrix(
            [texts[pairs[k][0]] for k in close],
            [texts[pairs[k][1]] for k in close],
            [cosines[k] for k in close],
            encode,
        )
        one_word = np.asarray([one_word_edit(texts[pairs[k][0]], texts[pairs[k][1]]) for k in close])
        out[close] = model.decide(features, np.asarray([cosines[k] for k in close]), one_word)
    return out


def one_word_edit(a: str, b: str) -> bool:
    """Whether two texts differ by at most one word on each side (a typo, a swap, a word added)."""
    left, right = set(tokens(normalize_text(a))), set(tokens(normalize_text(b)))
    return len(left - right) <= 1 and len(right - left) <= 1


__all__ = [
    "DEFAULT_MODEL",
    "FEATURES",
    "PairText",
    "ParaphraseModel",
    "feature_matrix",
    "one_word_edit",
    "pair_features",
    "verify_pairs",
]

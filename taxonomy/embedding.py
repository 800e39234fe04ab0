"""The nearest-label tagger: a text is tagged with the closest label of each vocabulary, if close enough.

Labels are a term's title with its first English names ('Computed tomography; CT scan'); ICD-10 is
labelled at category level (its chapters and blocks follow by roll-up). The embedder is passed in
(`embeddings.TextEmbedder`, the offline MiniLM by default), so tests can use any encoder. MiniLM is
an English model: by default only English texts are tagged this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from embeddings import TextEmbedder
from schemas import Vocabulary
from taxonomy.base import TagHit, TextToTag
from vocabulary import VocabularyTable, load_vocabulary

TAGGER_NAME = "embedding"
DEFAULT_VOCABULARIES = (Vocabulary.ICD10, Vocabulary.SPECIALTY, Vocabulary.ANATOMY, Vocabulary.MODALITY)
LABEL_LEVELS = {Vocabulary.ICD10: ("category",)}


@dataclass(frozen=True)
class EmbeddingSettings:
    """How close is close enough: cosine `floor` maps to confidence 0, `ceiling` to 1."""

    floor: float = 0.25
    ceiling: float = 0.75
    languages: tuple[str, ...] = ("en",)
    max_chars: int = 2000

    def confidence(self, cosine: float) -> float:
        """Cosine similarity as a confidence in [0, 1]."""
        return float(np.clip((cosine - self.floor) / (self.ceiling - self.floor), 0.0, 1.0))


def label_texts(table: VocabularyTable) -> tuple[list[str], list[str]]:
    """(codes, label texts) of the terms a vocabulary is labelled with."""
    levels = LABEL_LEVELS.get(table.vocabulary)
    codes, labels = [], []
    for term in table:
        if levels and term.level not in levels:
            continue
        english = [n for n in term.names.get("en", ()) if n.casefold() != term.title.casefold()][:3]
        codes.append(term.code)
        labels.append("; ".join([term.title, *english]))
    return codes, labels


class EmbeddingTagger:
    """Top-1 label per vocabulary by cosine similarity of sentence embeddings."""

    name = TAGGER_NAME

    def __init__(
        self,
        embedder: TextEmbedder,
        vocabularies: Sequence[Vocabulary] = DEFAULT_VOCABULARIES,
        settings: EmbeddingSettings | None = None,
    ) -> None:
        self.embedder = embedder
        self.vocabularies = list(vocabularies)
        self.settings = settings or EmbeddingSettings()
        self._labels: dict[Vocabulary, tuple[list[str], np.ndarray]] = {}

    def _label_matrix(self, vocabulary: Vocabulary) -> tuple[list[str], np.ndarray]:
        if vocabulary not in self._labels:
            codes, labels = label_texts(load_vocabulary(vocabulary))
            self._labels[vocabulary] = (codes, np.asarray(self.embedder.encode(labels), dtype=np.float32))
        return self._labels[vocabulary]

    def _applies(self, text: TextToTag) -> bool:
        if not text.text.strip():
            return False
        if text.language is None or not self.settings.languages:
            return True
        return text.language.split("-")[0].lower() in self.settings.languages

    def tag(self, texts: Sequence[TextToTag]) -> list[list[TagHit]]:
        """Hits per text: at most one code per vocabulary, above the floor."""
        out: list[list[TagHit]] = [[] for _ in texts]
        chosen = [i for i, t in enumerate(texts) if self._applies(t)]
        if not chosen:
            return out
        vectors = np.asarray(
            self.embedder.encode([texts[i].text[: self.settings.max_chars] for i in chosen]), dtype=np.float32
        )
        for vocabulary in self.vocabularies:
            codes, matrix = self._label_matrix(vocabulary)
            similarities = vectors @ matrix.T
            best = similarities.argmax(axis=1)
            for row, index in enumerate(chosen):
                cosine = float(similarities[row, best[row]])
                confidence = self.settings.confidence(cosine)
                if confidence > 0.0:
                    out[index].append(
                        TagHit(
                            vocabulary,
                            codes[best[row]],
                            round(confidence, 4),
                            self.name,
                            f"cosine {cosine:.3f}",
                        )
                    )
        return out

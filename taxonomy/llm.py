"""The optional LLM tagger: asks a model to pick codes from a vocabulary's list, keeps known ones.

The model is passed in as any callable from prompt to reply text (`Completer`), so the pipeline
wraps whichever synthesis backend the spec names; codes the model invents are dropped and counted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from schemas import Vocabulary
from taxonomy.base import TagHit, TextToTag
from vocabulary import VocabularyTable, load_vocabulary

TAGGER_NAME = "llm"
PROMPT_VERSION = "tag-v1"
DEFAULT_VOCABULARIES = (Vocabulary.SPECIALTY, Vocabulary.MODALITY, Vocabulary.ANATOMY)
_JSON_LIST = re.compile(r"\[[^\[\]]*\]", re.DOTALL)


@runtime_checkable
class Completer(Protocol):
    """A model behind one call: prompt in, reply text out."""

    def __call__(self, prompt: str) -> str:
        """The model's reply."""
        ...


def build_prompt(text: str, table: VocabularyTable, levels: int = 2) -> str:
    """The prompt: the text, then the allowed codes with titles (top levels only for big trees)."""
    allowed = [t for t in table if len(table.ancestors(t.code)) < levels]
    lines = "\n".join(f"{t.code}: {t.title}" for t in allowed)
    return (
        f"Tag the medical text below with {table.name} codes from the list. Answer with a JSON list of "
        "codes only, most relevant first, [] if none applies.\n\n"
        f"Codes:\n{lines}\n\nText:\n{text}\n"
    )


def parse_codes(reply: str, table: VocabularyTable) -> tuple[list[str], list[str]]:
    """(known codes, unknown codes) from a reply holding a JSON list."""
    match = _JSON_LIST.search(reply or "")
    if not match:
        return [], []
    try:
        values = json.loads(match.group())
    except json.JSONDecodeError:
        return [], []
    known, unknown = [], []
    for value in values:
        code = table.resolve(str(value)) if isinstance(value, str | int) else None
        (known if code else unknown).append(code or str(value))
    return list(dict.fromkeys(known)), unknown


class LLMTagger:
    """One prompt per text and vocabulary; the first code gets `confidence`, later ones less."""

    name = TAGGER_NAME

    def __init__(
        self,
        complete: Completer,
        vocabularies: Sequence[Vocabulary] = DEFAULT_VOCABULARIES,
        confidence: float = 0.7,
    ) -> None:
        self.complete = complete
        self.vocabularies = list(vocabularies)
        self.confidence = confidence
        self.unknown_codes = 0

    def tag(self, texts: Sequence[TextToTag]) -> list[list[TagHit]]:
        """Hits per text from the model's answers."""
        out: list[list[TagHit]] = []
        for text in texts:
            hits: list[TagHit] = []
            if text.text.strip():
                for vocabulary in self.vocabularies:
                    table = load_vocabulary(vocabulary)
                    known, unknown = parse_codes(self.complete(build_prompt(text.text, table)), table)
                    self.unknown_codes += len(unknown)
                    for rank, code in enumerate(known[:5]):
                        confidence = self.confidence * (0.85**rank)
                        hits.append(TagHit(vocabulary, code, round(confidence, 4), self.name, PROMPT_VERSION))
            out.append(hits)
        return out

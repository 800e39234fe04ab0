"""Plain-text exam layout: numbered questions, lettered or numbered options, answer-key lines.

Used for exam-paper PDFs (after text extraction) and as the fallback for HTML pages without
selectors. Options: 'A) text', '(b) text', 'C. text', 'd - text', '1) text'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPTION_LINE = re.compile(r"^\s*\(?(?P<label>[A-Ea-e]|[1-9])\s*[).:\]–-]\s+(?P<text>\S.*)$")
QUESTION_START = re.compile(
    r"^\s*(?:(?:QUEST[ÃA]O|Quest[ãa]o|QUESTION|Question|Q)\s*\.?\s*(?P<n1>\d{1,3})\b[.):]?|(?P<n2>\d{1,3})\s*[.)]\s+)"
    r"\s*(?P<rest>.*)$"
)
ANNULLED_WORDS = re.compile(r"\b(anulad[ao]|annul(?:l?ed)?|cancel(?:l?ed|ada)|void|nula)\b", re.IGNORECASE)
KEY_ENTRY = re.compile(
    r"(?<!\d)(?P<number>\d{1,3})\s*[.):=–-]?\s*(?P<answer>[A-Ea-e](?:\s*[,/&]\s*[A-Ea-e])*|\*|X|"
    r"anulad[ao]|annulled|ANULADA|ANULADO|null)(?![A-Za-z])",
)


@dataclass
class TextQuestion:
    """A question as read from text."""

    number: int | None
    stem: str
    options: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ParsedQuestion:
    """A question's content as a page or a collection row gives it; sources add where it came from."""

    number: int | None
    stem: str
    options: list[tuple[str, str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    explanation: str | None = None
    annulled: bool = False
    needs_image: bool = False
    labels: list[str] = field(default_factory=list)

    def content(self) -> dict[str, object]:
        """The content fields, as the exam stage builds an ExamQuestion from them."""
        return {
            "number": self.number,
            "stem": self.stem,
            "options": self.options,
            "answers": self.answers,
            "explanation": self.explanation,
            "annulled": self.annulled,
            "needs_image": self.needs_image,
            "labels": self.labels,
        }


def normalise_label(label: str) -> str:
    """'a' -> 'A'; digits stay."""
    return label.strip().upper()


def split_options(lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """Stem lines before the first option line, then options (continuation lines join the last)."""
    stem: list[str] = []
    options: list[list[str]] = []
    for line in lines:
        match = OPTION_LINE.match(line)
        expected = _next_label(options)
        if match and (expected is None or normalise_label(match["label"]) == expected):
            options.append([normalise_label(match["label"]), match["text"].strip()])
        elif options:
            if line.strip():
                options[-1][1] = (options[-1][1] + " " + line.strip()).strip()
        else:
            stem.append(line.strip())
    return "\n".join(s for s in stem if s).strip(), [(label, text) for label, text in options]


def _next_label(options: list[list[str]]) -> str | None:
    if not options:
        return None
    last = options[-1][0]
    if last.isdigit():
        return str(int(last) + 1)
    return chr(ord(last) + 1)


def parse_questions_text(text: str) -> list[TextQuestion]:
    """Numbered questions from the text of an exam paper, in order."""
    questions: list[TextQuestion] = []
    current: tuple[int | None, list[str]] | None = None
    expected = 1
    for line in text.splitlines():
        match = QUESTION_START.match(line)
        number = int(match["n1"] or match["n2"]) if match else None
        if match and number is not None and (number == expected or (current is None and number >= 1)):
            if current is not None:
                questions.append(_close(current))
            current = (number, [match["rest"]])
            expected = number + 1
        elif current is not None:
            current[1].append(line)
    if current is not None:
        questions.append(_close(current))
    return [q for q in questions if q.stem or q.options]


def _close(current: tuple[int | None, list[str]]) -> TextQuestion:
    number, lines = current
    stem, options = split_options(lines)
    return TextQuestion(number=number, stem=stem, options=options)


def parse_answer_key(text: str) -> dict[int, list[str] | None]:
    """Question number -> answer labels, or None for an annulled question."""
    key: dict[int, list[str] | None] = {}
    for match in KEY_ENTRY.finditer(text):
        number = int(match["number"])
        answer = match["answer"].strip()
        if number in key or number == 0:
            continue
        if answer in ("*", "X", "null") or ANNULLED_WORDS.search(answer):
            key[number] = None
        else:
            key[number] = sorted({normalise_label(a) for a in re.split(r"\s*[,/&]\s*", answer) if a.strip()})
    return key

"""Exam question pages in HTML: selectors from the source's options, a text fallback without them.

Options (`ExamOptions`; CSS, parsel syntax; each relative to the question element): question,
number (default attribute data-number), stem, option (label from data-label or a leading 'A)'),
option_text, answer (value like 'A' or 'A,C'), explanation, labels (source subject labels), annulled
and image markers (attributes data-annulled / data-has-image, or any <img> inside the question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from extractors.exam_text import OPTION_LINE, ParsedQuestion, normalise_label, parse_questions_text
from schemas.source_options import ExamOptions

_TRUE = {"true", "1", "yes", "sim", "oui"}


@dataclass
class HtmlQuestion(ParsedQuestion):
    """One question read from a page, with the edition the page names."""

    edition: str | None = None


def _text(node: Selector | Any) -> str:
    parts = node.css("::text").getall() if hasattr(node, "css") else [str(node)]
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _answers(value: str | None) -> list[str]:
    if not value:
        return []
    return sorted({normalise_label(a) for a in re.split(r"[\s,;/&]+", value.strip()) if a.strip()})


def parse_question_page(html: str, options: ExamOptions) -> list[HtmlQuestion]:
    """Every question on one page, in page order."""
    page = Selector(text=html)
    nodes = page.css(options.question) if options.question else []
    if not nodes:
        return _text_fallback(page)
    return [_question(node, options) for node in nodes]


def _question(node: Selector, options: ExamOptions) -> HtmlQuestion:
    attrs = node.attrib
    number_raw = node.css(options.number).get() if options.number else attrs.get("data-number")
    number = int(number_raw) if number_raw and str(number_raw).strip().isdigit() else None
    stem_nodes = node.css(options.stem)
    stem = "\n".join(_text(s) for s in stem_nodes).strip()
    parsed_options: list[tuple[str, str]] = []
    for option in node.css(options.option):
        text_node = option.css(options.option_text) if options.option_text else None
        text = _text(text_node) if text_node else _text(option)
        label = option.attrib.get("data-label")
        if not label:
            match = OPTION_LINE.match(text)
            if match:
                label, text = match["label"], match["text"]
            else:
                label = chr(ord("A") + len(parsed_options))
        parsed_options.append((normalise_label(label), text))
    answer_values = node.css(options.answer).getall() if options.answer else []
    answers = sorted({a for value in answer_values for a in _answers(value)})
    explanation = None
    if options.explanation:
        explanation = "\n".join(_text(e) for e in node.css(options.explanation)).strip() or None
    labels = [_text(x) for x in node.css(options.labels)] if options.labels else []
    annulled = (attrs.get("data-annulled") or "").lower() in _TRUE
    if options.annulled:
        annulled = annulled or bool(node.css(options.annulled))
    needs_image = (attrs.get("data-has-image") or "").lower() in _TRUE or bool(node.css("img"))
    return HtmlQuestion(
        number=number,
        stem=stem,
        options=parsed_options,
        answers=answers,
        explanation=explanation,
        annulled=annulled,
        needs_image=needs_image,
        labels=[x for x in labels if x],
        edition=attrs.get("data-edition"),
    )


def _text_fallback(page: Selector) -> list[HtmlQuestion]:
    body = page.css("body") or page
    lines = [re.sub(r"\s+", " ", t).strip() for t in body.xpath(".//text()[not(ancestor::script)]").getall()]
    text = "\n".join(line for line in lines if line)
    return [
        HtmlQuestion(number=q.number, stem=q.stem, options=q.options, needs_image=bool(page.css("body img")))
        for q in parse_questions_text(text)
    ]

"""Renders a small static exam-archive website (index -> editions -> question pages) to a folder.

It is what the demo crawls over 127.0.0.1: the shape of real exam archives, with the faults they
have (an annulled question, a question that needs an image, a broken link, a page outside robots).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from samples.exam_bank import LABELS, BankQuestion, generate_bank

EXAM_NAME = "Medforge Demo Licensing Exam"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="license" href="{licence}">{head}</head>
<body><h1>{title}</h1>
{body}
<footer>Content licensed <a rel="license" href="{licence}">CC BY 4.0</a>.</footer>
</body></html>
"""


def _page(title: str, body: str, head: str = "") -> str:
    return _PAGE.format(title=html.escape(title), body=body, head=head, licence=LICENCE_URL)


def _question_page(edition: str, number: int, question: BankQuestion, annulled: bool, image: bool) -> str:
    options = "\n".join(
        f'<li class="option" data-label="{LABELS[i]}"><span class="label">{LABELS[i]})</span> '
        f'<span class="text">{html.escape(text)}</span></li>'
        for i, text in enumerate(question.options)
    )
    figure = '<img class="question-image" src="../img/missing.png" alt="exam image">' if image else ""
    body = (
        f'<article class="question" data-edition="{edition}" data-number="{number}" '
        f'data-annulled="{str(annulled).lower()}" data-has-image="{str(image).lower()}">\n'
        f'<div class="stem">{html.escape(question.stem)}</div>{figure}\n'
        f'<ol class="options">\n{options}\n</ol>\n'
        f'<p class="answer-key">Answer: <span class="answer" data-answer="{LABELS[question.answer_index]}">'
        f"{LABELS[question.answer_index]}</span></p>\n</article>"
    )
    return _page(f"{EXAM_NAME} {edition}, question {number}", body)


def render_exam_site(
    out_dir: Path,
    years: range = range(2019, 2025),
    sessions: tuple[str, ...] = ("1", "2"),
    per_edition: int = 25,
    seed: int = 0,
) -> Path:
    """Write the site under `out_dir` and return it. Same arguments, same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    editions = [(year, session) for year in years for session in sessions]
    bank = generate_bank(len(editions) * per_edition, seed=seed)
    edition_links = []
    for e_index, (year, session) in enumerate(editions):
        edition = f"{year}-{session}"
        published = dt.date(year, 3 if session == "1" else 9, 15)
        links = []
        for q_index in range(per_edition):
            number = q_index + 1
            question = bank[e_index * per_edition + q_index]
            annulled = (e_index, number) == (0, 7)
            image = (e_index, number) == (1, 3)
            path = out_dir / "questions" / f"{edition}-q{number:02d}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_question_page(edition, number, question, annulled, image), encoding="utf-8")
            links.append(
                f'<li><a class="question-link" href="../questions/{edition}-q{number:02d}.html">'
                f"Question {number}</a></li>"
            )
        if e_index == 2:  # a broken link, as real archives have
            links.append(
                '<li><a class="question-link" href="../questions/removed-q99.html">Question 99</a></li>'
            )
        if e_index == 3:  # a page robots.txt forbids
            links.append('<li><a class="question-link" href="../private/draft-q00.html">Draft</a></li>')
        body = (
            f'<p class="edition" data-year="{year}" data-session="{session}" '
            f'data-published="{published.isoformat()}">{EXAM_NAME}, {year} session {session}, '
            f"published {published.isoformat()}</p>\n<ul>\n" + "\n".join(links) + "\n</ul>"
        )
        (out_dir / "editions").mkdir(exist_ok=True)
        (out_dir / "editions" / f"{edition}.html").write_text(
            _page(f"{EXAM_NAME} {year}/{session}", body), encoding="utf-8"
        )
        edition_links.append(
            f'<li><a class="edition-link" href="editions/{edition}.html">{year} session {session}</a></li>'
        )
    (out_dir / "private").mkdir(exist_ok=True)
    (out_dir / "private" / "draft-q00.html").write_text(_page("draft", "<p>not public</p>"), encoding="utf-8")
    (out_dir / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    (out_dir / "index.html").write_text(
        _page(f"{EXAM_NAME} archive", '<ul class="editions">\n' + "\n".join(edition_links) + "\n</ul>"),
        encoding="utf-8",
    )
    return out_dir

"""Typed `options` of each source kind: every key a kind's spider or extractor reads, documented here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_EUROPEPMC_QUERY = 'PUB_TYPE:"case-reports" AND OPEN_ACCESS:y AND HAS_FT:y'
DEFAULT_PDF_LINKS = 'a[href$=".pdf"]::attr(href), a[href*=".pdf?"]::attr(href)'
DEFAULT_CRAWL_TIMEOUT_S = 3600.0


class SourceOptions(BaseModel):
    """Options every kind takes; unknown keys are refused, so a misspelt key names itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    figure_dpi: int | None = Field(
        default=None, gt=0, description="resolution of figures cut from the source's PDFs (default 150)"
    )


class CrawlOptions(SourceOptions):
    """How a crawl runs: shared by every kind that has a spider."""

    httpcache: bool | None = Field(
        default=None, description="Scrapy's HTTP cache; unset: on when MEDFORGE_HTTPCACHE=1"
    )
    resumable: bool = Field(default=False, description="keep a JOBDIR so a stopped crawl resumes")
    crawl_timeout_s: float = Field(
        default=DEFAULT_CRAWL_TIMEOUT_S, gt=0, description="the crawl process is stopped after this"
    )
    settings: dict[str, Any] = Field(default_factory=dict, description="Scrapy settings overrides")


class CollectionFields(BaseModel):
    """Where each question field sits in a collection row (dotted paths); null leaves it unmapped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stem: str | None = "stem"
    options: str | None = "options"
    answers: str | None = "answers"
    number: str | None = "number"
    annulled: str | None = "annulled"
    needs_image: str | None = "needs_image"
    source_labels: str | None = "source_labels"
    explanation: str | None = "explanation"
    id: str | None = "id"
    edition_year: str | None = Field(default=None, description="the row's exam year")
    edition_session: str | None = Field(default=None, description="the row's session (booklet, sitting)")
    edition: str | None = Field(default=None, description="row text `edition_pattern` is matched on")
    published: str | None = Field(default=None, description="the row's publication date (ISO)")
    images: str | None = Field(
        default=None, description="image paths or URLs of the row (a string or a list): the row needs them"
    )
    language: str | None = Field(default=None, description="the row's language tag, when the file says")


CALENDARS = {"gregorian": 0, "roc": 1911, "minguo": 1911, "buddhist": -543, "showa": 1925, "heisei": 1988}
CALENDARS["reiwa"] = 2018
"""Offsets from a calendar's year number to the Gregorian year (ROC 108 = 2019, Heisei 31 = 2019)."""


class AnswerKeyOptions(BaseModel):
    """An answer key in other files of the same source, joined to the questions by id or number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    files: str = Field(description="glob on the document path (uri) naming the key files, e.g. '*answers*'")
    records: str | None = Field(default=None, description="dotted path to the key's rows (as `records`)")
    join: Literal["id", "number"] = Field(
        default="id", description="join on the question's mapped id, or on its number (per sheet/file)"
    )
    key: str = Field(default="id", description="the key row's field holding the id or number")
    answers: str = Field(default="answer", description="the key row's field holding the answer")


class DocumentFields(BaseModel):
    """Where a JSON collection file states facts about itself (dotted paths)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    edition_year: str | None = None
    edition_session: str | None = None
    published: str | None = None
    uri: str | None = None
    exam: str | None = Field(default=None, description="the exam's name, unless the source names one")
    edition: str | None = Field(default=None, description="text `edition_pattern` is matched on")


class ExamOptions(SourceOptions):
    """How the exam extractor reads a source: question pages (CSS selectors) and collection files."""

    exam: str | None = Field(
        default=None,
        description="the exam's name (default the source id); on a pdf source it "
        "makes the source's documents exam papers",
    )
    question: str | None = Field(default=None, description="one question element of a page")
    number: str | None = Field(default=None, description="its number (default attribute data-number)")
    stem: str = Field(default="div.stem", description="the stem, relative to the question")
    option: str = Field(default="li.option", description="one option (label from data-label or 'A)')")
    option_text: str | None = Field(default=None, description="an option's text, relative to it")
    answer: str | None = Field(default=None, description="a value like 'A' or 'A,C'")
    explanation: str | None = None
    labels: str | None = Field(default=None, description="the source's subject labels")
    annulled: str | None = Field(default=None, description="present when a question is annulled")
    records: str | None = Field(
        default=None, description="dotted path to the list of rows in a JSON file (default the top level)"
    )
    fields: CollectionFields = Field(default_factory=CollectionFields)
    option_columns: list[str] | dict[str, str] | str | None = Field(
        default=None,
        description="option texts in these columns (or {label: column}, or a glob such as 'option_*'); "
        "labels are what follows the columns' common prefix ('option_A' -> A)",
    )
    document_fields: DocumentFields = Field(default_factory=DocumentFields)
    edition_pattern: str | list[str] | None = Field(
        default=None,
        description="regex(es) with groups year (or yy: 21 = 2021), session, published (or month and "
        "day) on the edition text, else the file name, else the file's whole path (folder names "
        "included); the first that matches wins",
    )
    year_calendar: str = Field(
        default="gregorian",
        description="calendar of the years read: gregorian, roc (minguo), buddhist, showa, heisei, reiwa",
    )
    records_orient: Literal["auto", "rows", "columns", "keyed"] = Field(
        default="auto",
        description="rows: a list of records; columns: {field: {row: value}} (pandas); keyed: "
        "{key: record or list of records}, the key kept as field `_key`; auto guesses",
    )
    js_variable: str | None = Field(
        default=None,
        description=".js/.ts files: the variable whose literal holds the data (default the largest literal)",
    )
    sheets: list[str] | None = Field(
        default=None, description="XLSX: the sheets to read (default every sheet; each row gets `_sheet`)"
    )
    options_in_stem: bool | None = Field(
        default=None,
        description="the options are written inside the stem ('... A) foo B) bar'); "
        "unset: looked for when the mapping finds no options",
    )
    answer_format: Literal["auto", "label", "index", "text", "fill_in"] = Field(
        default="auto",
        description="label ('A', 'ACD', 'a or d'), index (digits are 0- or 1-based positions, see "
        "answer_index_base; other keys read as auto), text "
        "(the option's own text), fill_in (the answer itself, for questions with no options); auto tries "
        "label, then text, then index, and takes a number above 10 (or with a unit) of a question "
        "without options as a fill-in answer",
    )
    answer_index_base: Literal[0, 1] = Field(default=0, description="index answers count from 0 or 1")
    answer_key: AnswerKeyOptions | None = Field(
        default=None, description="answers in other files of the source, joined by id or number"
    )
    value_maps: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="per field (edition_year, edition_session, ...): raw value -> value to use",
    )
    row_languages: list[str] = Field(
        default_factory=list,
        description="other languages rows may be in (detected per row); '*' accepts any detected language",
    )
    detect_image_refs: bool = Field(
        default=True,
        description="flag stems that point at a picture ('shown in the figure', '如圖') as needing an image",
    )
    image_root: str | None = Field(
        default=None,
        description="folder the image field's paths are relative to (relative to base_dir, or absolute): "
        "a question whose images are all found there is released with them as a VQA item",
    )


class ExamSiteOptions(CrawlOptions, ExamOptions):
    """An exam archive crawl: where its links are, and how its pages are read."""

    edition_links: str = Field(default="a.edition::attr(href)", description="links to edition pages")
    question_links: str | None = Field(default=None, description="links to question pages")
    paper_links: str | None = Field(default=None, description="links to exam-paper PDFs")
    answer_key_links: str | None = Field(default=None, description="links to answer-key PDFs")
    edition: str | None = Field(
        default=None,
        description="the element naming a page's edition (data-year, data-session, data-published, "
        "or text matched by `edition_pattern`)",
    )


class JournalHtmlOptions(CrawlOptions):
    """Journal article pages; with no `article_links` the start URLs are the articles themselves."""

    article_links: str | None = Field(default=None, description="links to articles on a listing page")
    next_page: str | None = Field(default=None, description="link to the next listing page")


class EuropePmcOptions(CrawlOptions):
    """The Europe PMC REST search; the API base is start_urls[0] (default the public API)."""

    query: str = DEFAULT_EUROPEPMC_QUERY
    from_date: dt.date | None = Field(default=None, description="first publication date, from")
    to_date: dt.date | None = Field(default=None, description="first publication date, to")
    page_size: int = Field(default=100, ge=1, le=1000)
    max_results: int = Field(default=1000, ge=0)


class TextbookSiteOptions(CrawlOptions):
    """Open-textbook sites: landing pages (optional) -> PDF links."""

    book_links: str | None = Field(default=None, description="links to book landing pages")
    pdf_links: str = Field(default=DEFAULT_PDF_LINKS, description="links to PDFs on a page")

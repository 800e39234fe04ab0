"""Typed `options` of each source kind: every key a kind's spider or extractor reads, documented here."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    option_columns: list[str] | dict[str, str] | None = Field(
        default=None, description="CSV/XLSX: option texts in these columns (or {label: column})"
    )
    document_fields: DocumentFields = Field(default_factory=DocumentFields)
    edition_pattern: str | None = Field(
        default=None,
        description="regex with groups year, session (published) on the edition text or file name",
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

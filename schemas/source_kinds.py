"""The source-kind registry: for each kind, how it is fetched, which extractor reads it, its options.

This is the one list of kinds: the spec validates `kind` and `options` against it, ingest picks the
spider (or reads local files), each extractor reads the kinds that name it, the crawl assets group
spiders into families. Implementations are named as lazy "module:attr" strings, so `schemas` stays
free of imports of ours and the registry is complete as soon as it is imported (a kind registered
by importing a stage package would be unknown to a spec loaded before that import).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from schemas.source_options import (
    CrawlOptions,
    EuropePmcOptions,
    ExamOptions,
    ExamSiteOptions,
    JournalHtmlOptions,
    SourceOptions,
    TextbookSiteOptions,
)


class Extractor(StrEnum):
    """The extraction stage that reads a kind's documents (the figure extractor reads every PDF)."""

    EXAMS = "exams"
    CASE_REPORTS = "case_reports"
    FIGURES = "figures"


@dataclass(frozen=True)
class SourceKind:
    """One kind of source: its options model, its extractor and, for crawled kinds, its spider."""

    name: str
    options: type[SourceOptions]
    extractor: Extractor
    spider: str | None = field(default=None)
    """Scrapy spider class as "module:Class"; None: the kind is read from local files only."""
    family: str | None = field(default=None)
    """Spider family: one partitioned crawl asset per family."""
    description: str = ""

    def __post_init__(self) -> None:
        if (self.spider is None) != (self.family is None):
            raise ValueError(f"source kind '{self.name}': a spider and its family go together")
        # the extractor and the spider read their settings from these models: a kind whose options
        # lack them would be ingested and then read by nothing, or fail inside the crawl
        if self.extractor == Extractor.EXAMS and not issubclass(self.options, ExamOptions):
            raise ValueError(
                f"source kind '{self.name}': the exam extractor needs options derived from ExamOptions"
            )
        if self.spider is not None and not issubclass(self.options, CrawlOptions):
            raise ValueError(
                f"source kind '{self.name}': a crawled kind needs options derived from CrawlOptions"
            )


BUILT_IN_KINDS: tuple[SourceKind, ...] = (
    SourceKind(
        "exam_site",
        ExamSiteOptions,
        Extractor.EXAMS,
        spider="scrapers.spiders.exam_sites:ExamSiteSpider",
        family="exam_sites",
        description="an exam archive: edition pages -> question pages or exam-paper PDFs + answer keys",
    ),
    SourceKind(
        "exam_collection",
        ExamOptions,
        Extractor.EXAMS,
        description="local JSON/JSONL/CSV/XLSX question banks read through a field mapping",
    ),
    SourceKind(
        "case_reports_jats",
        SourceOptions,
        Extractor.CASE_REPORTS,
        description="local JATS XML case reports",
    ),
    SourceKind(
        "case_reports_html",
        JournalHtmlOptions,
        Extractor.CASE_REPORTS,
        spider="scrapers.spiders.case_reports:JournalHtmlSpider",
        family="case_reports",
        description="journal article pages in HTML (listing pages -> articles)",
    ),
    SourceKind(
        "case_reports_europepmc",
        EuropePmcOptions,
        Extractor.CASE_REPORTS,
        spider="scrapers.spiders.case_reports:EuropePmcSpider",
        family="case_reports",
        description="the Europe PMC REST search -> JATS full text",
    ),
    SourceKind(
        "textbook_site",
        TextbookSiteOptions,
        Extractor.FIGURES,
        spider="scrapers.spiders.open_textbooks:OpenTextbookSpider",
        family="open_textbooks",
        description="open-textbook sites: landing pages -> PDFs",
    ),
    SourceKind(
        "pdf",
        ExamOptions,
        Extractor.FIGURES,
        description="local PDFs (figures; exam papers when options name an `exam`)",
    ),
)
"""The kinds medforge ships; tests and plugins add more with `register_source_kind`."""

_REGISTRY: dict[str, SourceKind] = {kind.name: kind for kind in BUILT_IN_KINDS}


def register_source_kind(kind: SourceKind) -> SourceKind:
    """Add a kind; raises ValueError when the name is taken (kinds are never silently replaced)."""
    if kind.name in _REGISTRY:
        raise ValueError(f"source kind '{kind.name}' is already registered")
    _REGISTRY[kind.name] = kind
    return kind


def unregister_source_kind(name: str) -> None:
    """Remove a kind (for tests that add one)."""
    _REGISTRY.pop(name, None)


def source_kind(name: str) -> SourceKind:
    """The registered kind of this name; KeyError naming the known kinds otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown source kind '{name}'; known kinds: {', '.join(kind_names())}") from None


def kind_names() -> list[str]:
    """Every registered kind's name, sorted."""
    return sorted(_REGISTRY)


def kinds_read_by(extractor: Extractor) -> frozenset[str]:
    """Names of the kinds whose documents this extractor reads."""
    return frozenset(name for name, kind in _REGISTRY.items() if kind.extractor is extractor)


def crawl_families() -> dict[str, tuple[str, ...]]:
    """Spider family -> the kinds it crawls, in registration order (the crawl assets' order)."""
    families: dict[str, list[str]] = {}
    for kind in _REGISTRY.values():
        if kind.family is not None:
            families.setdefault(kind.family, []).append(kind.name)
    return {family: tuple(names) for family, names in families.items()}

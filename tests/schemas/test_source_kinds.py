"""The source-kind registry: every kind's spider resolves, families and extractors are read from it."""

from __future__ import annotations

import importlib

import pytest

from schemas.source_kinds import (
    BUILT_IN_KINDS,
    Extractor,
    SourceKind,
    crawl_families,
    kind_names,
    kinds_read_by,
    register_source_kind,
    source_kind,
    unregister_source_kind,
)
from schemas.source_options import CrawlOptions, ExamOptions, SourceOptions
from scrapers.spiders.base import MedforgeSpider


@pytest.mark.parametrize("kind", BUILT_IN_KINDS, ids=lambda k: k.name)
def test_each_kind_names_a_real_spider_and_refuses_unknown_options(kind: SourceKind) -> None:
    assert issubclass(kind.options, SourceOptions) and kind.options.model_config["extra"] == "forbid"
    if kind.spider is None:
        assert not issubclass(kind.options, CrawlOptions)  # crawl settings on a file kind would be ignored
        return
    module, _, attr = kind.spider.partition(":")
    spider = getattr(importlib.import_module(module), attr)
    assert issubclass(spider, MedforgeSpider) and issubclass(kind.options, CrawlOptions)


def test_families_and_extractors_come_from_the_registry() -> None:
    assert crawl_families() == {
        "exam_sites": ("exam_site",),
        "case_reports": ("case_reports_html", "case_reports_europepmc"),
        "open_textbooks": ("textbook_site",),
    }
    assert kinds_read_by(Extractor.CASE_REPORTS) == {
        "case_reports_jats",
        "case_reports_html",
        "case_reports_europepmc",
    }
    assert kinds_read_by(Extractor.EXAMS) == {"exam_site", "exam_collection"}
    assert kinds_read_by(Extractor.FIGURES) == {"textbook_site", "pdf"}


def test_registering_a_kind_and_its_mistakes() -> None:
    kind = SourceKind("unit_bank", ExamOptions, Extractor.EXAMS, description="a test kind")
    register_source_kind(kind)
    try:
        assert source_kind("unit_bank") is kind and "unit_bank" in kind_names()
        assert "unit_bank" in kinds_read_by(Extractor.EXAMS)
        with pytest.raises(ValueError, match="'unit_bank' is already registered"):
            register_source_kind(SourceKind("unit_bank", SourceOptions, Extractor.FIGURES))
    finally:
        unregister_source_kind("unit_bank")
    with pytest.raises(KeyError, match="unknown source kind 'unit_bank'; known kinds: case_reports"):
        source_kind("unit_bank")
    with pytest.raises(ValueError, match="a spider and its family go together"):
        SourceKind("half", CrawlOptions, Extractor.FIGURES, spider="m:Spider")


def test_a_kind_whose_options_its_reader_cannot_use_is_refused() -> None:
    """Else its files would be ingested and read by nothing, or its crawl would fail mid-way."""
    with pytest.raises(ValueError, match="'bank'.*ExamOptions"):
        SourceKind("bank", SourceOptions, Extractor.EXAMS)
    with pytest.raises(ValueError, match="'site'.*CrawlOptions"):
        SourceKind("site", SourceOptions, Extractor.CASE_REPORTS, spider="m:S", family="f")
    assert SourceKind("bank", ExamOptions, Extractor.EXAMS).options is ExamOptions
    assert SourceKind("site", CrawlOptions, Extractor.CASE_REPORTS, spider="m:S", family="f").family == "f"

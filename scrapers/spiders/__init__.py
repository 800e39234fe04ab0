"""Spiders, one per source family (exam sites, case-report journals, open textbooks)."""

from __future__ import annotations

SPIDER_FOR_KIND: dict[str, str] = {
    "exam_site": "scrapers.spiders.exam_sites:ExamSiteSpider",
    "case_reports_html": "scrapers.spiders.case_reports:JournalHtmlSpider",
    "case_reports_europepmc": "scrapers.spiders.case_reports:EuropePmcSpider",
    "textbook_site": "scrapers.spiders.open_textbooks:OpenTextbookSpider",
}
"""Which spider class (module:Class) crawls each crawl kind of source."""

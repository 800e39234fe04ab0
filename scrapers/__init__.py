"""Scrapy project: settings, spiders per source family, item pipelines, and the crawl runner."""

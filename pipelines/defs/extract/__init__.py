"""Extraction: raw documents to exam questions, case reports and figures."""

import dagster as dg

from pipelines.defs.extract.assets import case_reports, exam_questions, figures

defs = dg.Definitions(assets=[exam_questions, case_reports, figures])

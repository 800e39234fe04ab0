"""Extraction: raw documents to exam questions, case reports and figures."""

"""Partitions of the extract domain: one per PDF source document."""

import dagster as dg

pdf_documents = dg.DynamicPartitionsDefinition(name="pdf_documents")
"""One partition per PDF source document, keyed by its document_id (sha256 of its bytes)."""

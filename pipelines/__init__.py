"""Orchestration: the Dagster asset graph, resources, IO manager and CLI; the only Dagster code."""

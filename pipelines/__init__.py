"""Orchestration: the Dagster asset graph, resources, IO manager and the CLI. Only place that knows Dagster."""

"""Dagster definitions, one sub-package per stage; `pipelines.definitions` merges them all."""

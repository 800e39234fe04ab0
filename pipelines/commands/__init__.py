"""CLI command modules; each exposes `register(app, groups)` and is loaded by `pipelines.cli`."""

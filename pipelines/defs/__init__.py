"""The Dagster definitions, one package per domain with fixed file names (`assets.py`, `checks.py`,
`sensors.py`, `partitions.py`, `jobs.py`); `pipelines.definitions` loads them with
`dg.load_from_defs_folder`."""

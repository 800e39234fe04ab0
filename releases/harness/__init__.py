"""Files copied into every release's `eval/` folder: the harnesses load the evaluation views with them.

They are kept here as real modules so they are linted and tested; in a release they stand alone
(they import only `datasets`, `pyarrow` or `inspect_ai`, never medforge).
"""

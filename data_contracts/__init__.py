"""Great Expectations suites for released tables, and the runner."""

"""Release: split assignment, the blocking checks, the versioned Parquet release."""

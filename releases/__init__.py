"""The versioned Parquet release store: writer, manifest, diff, dataset card."""

"""Expert review of items in Label Studio."""

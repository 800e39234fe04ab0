"""Label Studio: labeling configs, push and pull, agreement, review decisions."""

"""Sources: every spec source crawled or read and stored content-addressed; crawls per family."""

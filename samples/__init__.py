"""Sources medforge generates itself for the demo, fast tests and the figure-layout set (no network)."""

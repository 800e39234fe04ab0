"""Sample sources medforge generates itself for the demo and fast tests (no network, no fixtures)."""

"""Sentence embeddings shared by tagging, dedup, leakage and translation checks (offline MiniLM)."""

from embeddings.encoder import DEFAULT_MODEL, SentenceEncoder, TextEmbedder, default_encoder

__all__ = ["DEFAULT_MODEL", "SentenceEncoder", "TextEmbedder", "default_encoder"]

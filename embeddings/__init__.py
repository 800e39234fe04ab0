"""Sentence embeddings shared by tagging, dedup, leakage and translation checks (offline MiniLM)."""

from embeddings.batched import EncodeBatch, EngineEncoder
from embeddings.cache import CachedEmbedder, EmbeddingCache
from embeddings.encoder import DEFAULT_MODEL, SentenceEncoder, TextEmbedder
from embeddings.fast import FastEncoder, fast_encoder, select_device
from embeddings.lazy import LazyEmbedder, default_encoder

__all__ = [
    "DEFAULT_MODEL",
    "CachedEmbedder",
    "EmbeddingCache",
    "EncodeBatch",
    "EngineEncoder",
    "FastEncoder",
    "LazyEmbedder",
    "SentenceEncoder",
    "TextEmbedder",
    "default_encoder",
    "fast_encoder",
    "select_device",
]

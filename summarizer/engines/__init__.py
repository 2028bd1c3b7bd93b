"""Engines: extractive (deterministic, offline) and llm (OpenAI-compatible)."""

"""The pipeline's stages, in order: ingest (with fetch) -> clean -> segment -> (engine)
-> ground -> dates -> quantities -> merge -> select -> disagree.

Each stage is a function from the typed records in :mod:`summarizer.models` to typed
records; none of them knows which engine ran.
"""

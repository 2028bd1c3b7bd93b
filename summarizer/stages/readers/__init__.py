"""The ingest stage's readers, one module per input kind (see :mod:`summarizer.stages.ingest`)."""

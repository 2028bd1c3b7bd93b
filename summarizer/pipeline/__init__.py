"""The pipeline: the stages wired around the chosen engine.

* :mod:`~summarizer.pipeline.runner`: :func:`run` (paths to a
  :class:`~summarizer.models.Report`), :func:`make_engine`, :func:`inspect`;
* :mod:`~summarizer.pipeline.sources`: the per-source stages around the engine
  (clean and segment before it; ground, date and annotate after it) and the
  sources a run reads (duplicate copies dropped);
* :mod:`~summarizer.pipeline.plan`: ``--dry-run``, the calls a run would make.
"""

from summarizer.engines.base import BACKEND_STAGE
from summarizer.pipeline.runner import SYNTHESIS_PATH, inspect, make_engine, run
from summarizer.pipeline.sources import (
    Interrupted,
    drop_duplicates,
    finish_source,
    prepare_all,
    prepare_inputs,
)

__all__ = [
    "BACKEND_STAGE",
    "SYNTHESIS_PATH",
    "Interrupted",
    "drop_duplicates",
    "finish_source",
    "inspect",
    "make_engine",
    "prepare_all",
    "prepare_inputs",
    "run",
]

"""The llm engine: the model writes, the code checks.

Same outputs as the extractive engine (:class:`~summarizer.models.SourceExtraction`
per source; a headline and key developments for the run), produced by a model
behind the :class:`~summarizer.transport.backend.Backend` protocol. The modules,
in the order a run uses them:

* :mod:`~summarizer.engines.llm.client`: the structured-output client (render a
  prompt, call, parse, validate, re-ask; structured-output mode and its fallback);
* :mod:`~summarizer.engines.llm.packing`: long articles cut into chunks, short ones
  packed several to a call;
* :mod:`~summarizer.engines.llm.extraction`: the extract calls, run concurrently,
  with a one-by-one fallback when a packed call fails;
* :mod:`~summarizer.engines.llm.answers`: an answer mapped to grounded events and
  summary sentences, with the extractive engine's events filling the gaps;
* :mod:`~summarizer.engines.llm.synthesis`: headline and key developments from a
  bounded view of the merged timeline; adjudication of disagreements;
* :mod:`~summarizer.engines.llm.engine`: :class:`LLMEngine`, all of it behind the
  :class:`~summarizer.engines.base.EngineRunner` protocol.
"""

from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.extraction import extract, extract_all
from summarizer.engines.llm.synthesis import adjudicate, synthesize

__all__ = ["LLMEngine", "adjudicate", "extract", "extract_all", "synthesize"]

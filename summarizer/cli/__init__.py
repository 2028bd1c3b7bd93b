"""The ``summarizer`` command: the only place that reads flags and the environment.

Commands: ``brief PATH...``, ``timeline PATH...``, ``chart PATH...``, ``inspect PATH``,
``eval SYSTEM.json GOLD.json``, ``cache stats|clear``.

* :mod:`.options`: every option, defined once (the run options shared by brief,
  timeline and chart);
* :mod:`.settings`: flags, then the environment, then defaults -> the run's Config;
* :mod:`.commands`: the commands; :mod:`.run`: one brief/timeline/chart run;
* :mod:`.errors`: one-line errors, exit codes, usage errors and flag suggestions;
* :mod:`.app`: the typer app and the console entry point :func:`main`.
"""

from __future__ import annotations

from summarizer.cli.app import app, main
from summarizer.errors import EXIT_INTERNAL

__all__ = ["EXIT_INTERNAL", "app", "main"]

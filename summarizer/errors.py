"""One root exception type; every message says what to do.

Exit codes (documented in the README):

* 0 - everything went through
* 1 - output was written, but some sources failed (listed in the output and on stderr);
  also when the model failed every source and the output is the extractive brief
* 2 - usage error or nothing usable: bad flags, missing paths, no articles at all
* 3 - configuration error (e.g. no API key for the OpenAI host)
* 4 - the model backend failed and nothing could be produced
* 70 - internal error (a bug): rerun with --debug and report the traceback
* 130 - interrupted (Ctrl-C); what finished is reported
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_BACKEND = 4
EXIT_INTERNAL = 70  # a bug: please report it with the --debug traceback
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM: stopped by kill, timeout or a job supervisor


class SummarizerError(Exception):
    """Root of every error this package raises on purpose.

    ``str(err)`` is one line naming the problem and the fix.
    """

    exit_code: int = EXIT_USAGE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(SummarizerError):
    """A path or article cannot be read or used."""

    exit_code = EXIT_USAGE


class ConfigError(SummarizerError):
    """Flags or environment are inconsistent or incomplete."""

    exit_code = EXIT_CONFIG


class BackendError(SummarizerError):
    """The model endpoint failed after retries, or answered unusably."""

    exit_code = EXIT_BACKEND


class ReplayMissError(BackendError):
    """--replay: a request has no recording in the cassette."""

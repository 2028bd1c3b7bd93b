"""``python -m summarizer.cli``: the same as the ``summarizer`` command."""

from summarizer.cli.app import main

main()

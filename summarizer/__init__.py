"""summarizer: multi-source news summariser and fact timeline."""

__version__ = "0.1.0"

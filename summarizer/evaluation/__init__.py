"""``summarizer eval``: scoring a system timeline against a gold timeline."""

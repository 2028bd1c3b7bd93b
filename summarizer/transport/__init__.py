"""The llm transport: the Backend protocol and its OpenAI-compatible implementation,
retries, rate limits, the response cache, token calibration, the Batch API, cassettes,
token counting, prompt rendering and the structured-output schemas.
"""

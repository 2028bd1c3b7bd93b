"""What a run's model calls cost, as an estimate: a price table the user can override.

``--price-in`` and ``--price-out`` (US dollars per million prompt and completion
tokens) win; without them a few well-known hosted models have a default from
their provider's published list price (:data:`KNOWN_PRICES`, dated: prices
change, so the output always says "estimate" and where the price came from).
A model with no known price and no flags gets no cost at all, never a guess;
self-hosted models (llama.cpp, Ollama, vLLM) cost what the machine costs, which
no table knows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

PRICES_AS_OF = "2025-08"  # when KNOWN_PRICES were copied from the providers' price pages

# model name (or the name a dated snapshot starts with) -> (input, output) USD per 1M tokens
KNOWN_PRICES: dict[str, tuple[float, float]] = {
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "o3": (2.00, 8.00),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}


_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")  # -2024-07-18, -0613


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens, and where the figures come from."""

    input: float
    output: float
    source: str

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / 1_000_000

    def describe(self) -> str:
        return f"${self.input:g} in / ${self.output:g} out per million tokens, {self.source}"


def known_price(model: str | None) -> tuple[float, float] | None:
    """The list price of ``model``: exact, or of the model a dated snapshot is of
    (``gpt-4o-mini-2024-07-18`` is ``gpt-4o-mini``)."""
    if not model:
        return None
    name = model.lower().rsplit("/", 1)[-1]  # "openai/gpt-4o" as some proxies name it
    if name in KNOWN_PRICES:
        return KNOWN_PRICES[name]
    base = _SNAPSHOT.sub("", name)
    return KNOWN_PRICES.get(base) if base != name else None


def price_for(
    model: str | None, price_in: float | None = None, price_out: float | None = None
) -> Price | None:
    """The price to estimate with: the flags, else the model's list price, else None.

    One flag alone completes the other from the list price when there is one, and
    is 0 otherwise (a self-hosted model priced by its input alone, say).
    """
    known = known_price(model)
    if price_in is None and price_out is None:
        if known is None:
            return None
        return Price(known[0], known[1], f"list price of {model} as of {PRICES_AS_OF}")
    base = known or (0.0, 0.0)
    return Price(
        price_in if price_in is not None else base[0],
        price_out if price_out is not None else base[1],
        "from --price-in/--price-out",
    )


def format_cost(dollars: float) -> str:
    """``$0.42``, ``$0.0031``: enough digits to show a small run's cost."""
    if dollars >= 1:
        return f"${dollars:,.2f}"
    if dollars <= 0:
        return "$0"
    decimals = max(3, 1 - math.floor(math.log10(dollars)))  # two significant digits
    return f"${dollars:.{decimals}f}"

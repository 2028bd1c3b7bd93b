"""The price table: flags win, known models have a dated list price, unknown ones none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarizer.transport.pricing import Price, format_cost, known_price, price_for


def test_dated_snapshots_and_proxied_names_find_the_list_price() -> None:
    assert known_price("gpt-4o-mini") == (0.15, 0.60)
    assert known_price("gpt-4o-mini-2024-07-18") == (0.15, 0.60)
    assert known_price("gpt-4o-2024-08-06") == (2.50, 10.00)  # not gpt-4o-mini's
    assert known_price("openai/gpt-4.1-nano") == (0.10, 0.40)
    assert known_price("gpt-4o-minimal") is None  # a longer name is another model
    assert known_price("smollm2-135m") is None
    assert known_price(None) is None


def test_flags_win_and_one_flag_completes_from_the_list_price() -> None:
    assert price_for("gpt-4o-mini", 1.0, 2.0) == Price(1.0, 2.0, "from --price-in/--price-out")
    assert price_for("gpt-4o-mini", price_out=3.0) == Price(
        0.15, 3.0, "from --price-in/--price-out"
    )
    assert price_for("local", price_in=0.5) == Price(0.5, 0.0, "from --price-in/--price-out")


def test_no_price_without_a_known_model_or_flags() -> None:
    assert price_for("local") is None
    listed = price_for("gpt-4o-mini")
    assert listed is not None and "list price of gpt-4o-mini as of" in listed.source


def test_cost_is_per_million_tokens() -> None:
    price = Price(0.15, 0.60, "test")
    assert price.cost(1_000_000, 0) == pytest.approx(0.15)
    assert price.cost(5080, 1315) == pytest.approx((5080 * 0.15 + 1315 * 0.60) / 1e6)


@pytest.mark.parametrize(
    ("dollars", "text"),
    [
        (0, "$0"),
        (0.0015510, "$0.0016"),
        (0.000012, "$0.000012"),
        (0.42, "$0.420"),
        (12.5, "$12.50"),
    ],
)
def test_small_costs_keep_two_significant_digits(dollars: float, text: str) -> None:
    assert format_cost(dollars) == text


def test_the_usage_line_shows_the_cost_as_an_estimate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app
    from summarizer.testing.fakeserver import FakeOpenAIServer, extraction_responder

    article = tmp_path / "dam.txt"
    article.write_text(
        "date: 2024-03-12\nThe Orlen dam gave way on Monday night, flooding 220 homes.\n",
        encoding="utf-8",
    )
    with FakeOpenAIServer(responder=extraction_responder) as server:
        args = ["brief", str(article), "--engine", "llm", "--model", "fake", "--no-cache"]
        args += ["--base-url", server.base_url, "--price-in", "2", "--price-out", "8"]
        result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "b.md")])
    assert result.exit_code == 0, result.output
    usage = re.search(r"(\d+) prompt \+ (\d+) completion tokens", result.stderr)
    assert usage is not None, result.stderr
    cost = (int(usage.group(1)) * 2 + int(usage.group(2)) * 8) / 1e6
    assert f"estimated cost {format_cost(cost)} ($2 in / $8 out per million tokens, from " in (
        result.stderr
    )
    without = CliRunner().invoke(app, [*args[:-4], "--base-url", "http://127.0.0.1:9/v1", "-q"])
    assert "estimated cost" not in without.stderr  # no price for an unknown model


def test_dry_run_shows_the_cost_as_an_estimate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app

    article = tmp_path / "dam.txt"
    article.write_text(
        "date: 2024-03-12\nThe Orlen dam gave way on Monday night, flooding 220 homes.\n",
        encoding="utf-8",
    )
    args = ["brief", str(article), "--engine", "llm", "--model", "gpt-4o-mini", "--dry-run"]
    result = CliRunner().invoke(app, [*args, "--no-cache"], env={"OPENAI_API_KEY": "sk-test"})
    assert result.exit_code == 0, result.output
    total = re.search(r"about ([\d,]+) prompt tokens", result.stdout)
    assert total is not None, result.stdout
    prompt = int(total.group(1).replace(",", ""))
    low = format_cost(prompt * 0.15 / 1e6)
    assert f"estimated cost: {low} to $" in result.stdout
    assert "list price of gpt-4o-mini as of" in result.stdout
    local = ["brief", str(article), "--engine", "llm", "--model", "local", "--dry-run"]
    unknown = CliRunner().invoke(app, [*local, "--base-url", "http://127.0.0.1:9/v1"])
    assert unknown.exit_code == 0 and "estimated cost" not in unknown.stdout

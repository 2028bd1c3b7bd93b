"""The command line's options: each defined once and working where the README's options
table says, plain metavars in --help, the nearest real flag for a typo, the
configuration built from flags, then the environment, then defaults, notes printed
once, and ``inspect`` giving an article the same date alone or in its folder.

Stories are small ones written here (a storm, a strike), not the seeds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from summarizer import cli
from summarizer.cli.errors import nearest
from summarizer.cli.options import RunOptions
from summarizer.cli.settings import build_config, proxies_from
from summarizer.config import EngineChoice, StructuredMode
from summarizer.errors import EXIT_CONFIG, EXIT_OK, EXIT_USAGE, ConfigError

ROOT = Path(__file__).resolve().parent.parent
RUN_COMMANDS = ("brief", "timeline", "chart")

STORM = (
    "date: 2024-10-08\nOutlet: Coast Herald\n\n"
    "Storm Ida made landfall near Port Vale on Monday, the weather service said.\n\n"
    "About 12,000 homes lost power overnight, the utility said on Tuesday.\n"
)
STORM_UNDATED = (
    "Outlet: Valley News\n\n"
    "Crews worked through Monday night to restore power after Storm Ida, the utility said.\n\n"
    "Schools stayed closed on Tuesday, officials said.\n"
)


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _command(name: str) -> typer.main.TyperCommand:
    group = typer.main.get_command(cli.app)
    command = group.commands[name]  # type: ignore[attr-defined]
    return command


def _long_options(name: str) -> set[str]:
    return {o for p in _command(name).params for o in p.opts if o.startswith("--")}


# --------------------------------------------------------------------------- the README's table


def _table_rows() -> list[tuple[set[str], tuple[str, ...]]]:
    """(options, commands) of each row of the README's options table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### Options (`brief`, `timeline`, `chart`)", 1)[1].split("\n\n", 2)[1]
    rows = []
    for line in table.splitlines()[2:]:
        option, meaning = line.strip("|").split(" | ", 1)
        commands = tuple(re.findall(r"`(brief|timeline|chart)`", meaning.split(")")[0]))
        scoped = meaning.startswith("(")
        rows.append((set(re.findall(r"--[a-z-]+", option)), commands if scoped else RUN_COMMANDS))
    return rows


def test_the_readme_table_is_read() -> None:
    rows = _table_rows()
    assert len(rows) >= 20
    assert ({"--since-last"}, ("brief", "timeline")) in rows
    assert ({"--store", "--no-store"}, RUN_COMMANDS) in rows


@pytest.mark.parametrize("command", RUN_COMMANDS)
def test_every_option_in_the_readme_table_is_an_option_where_it_says(command: str) -> None:
    expected = set().union(*(names for names, commands in _table_rows() if command in commands))
    assert expected - _long_options(command) == set()


def test_the_run_options_are_defined_once() -> None:
    """brief, timeline and chart take every RunOptions field, and only their own extras."""
    shared = {f"--{f.name.replace('_', '-')}" for f in dataclasses.fields(RunOptions)}
    for command in RUN_COMMANDS:
        assert shared <= _long_options(command), command
    own = {c: _long_options(c) - shared for c in RUN_COMMANDS}
    assert own == {
        "brief": {"--format", "--since-last"},
        "timeline": {"--format", "--since-last"},
        "chart": {"--format"},
    }


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _runs_in(store: Path) -> list[str]:
    with sqlite3.connect(store) as conn:
        return [row[0] for row in conn.execute("SELECT command FROM runs ORDER BY id")]


def test_chart_takes_format_store_and_no_store(tmp_path: Path) -> None:
    story = _write(tmp_path / "storm", {"herald.txt": STORM})
    store, svg = tmp_path / "runs.sqlite", tmp_path / "chart.svg"
    code, _, err = _run("chart", story, "--format", "svg", "--store", store, "-o", svg)
    assert code == EXIT_OK, err
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert _runs_in(store) == ["chart"]
    code, _, err = _run("chart", story, "--no-store", "--store", store)
    assert code == EXIT_USAGE and "--no-store excludes --store" in err
    code, _, err = _run("chart", story, "--no-store", "-o", svg)
    assert code == EXIT_OK, err
    assert _runs_in(store) == ["chart"]  # nothing saved with --no-store
    code, _, err = _run("chart", story, "--format", "json")
    assert code == EXIT_USAGE and "'json' is not one of 'svg'" in err


# --------------------------------------------------------------------------- help and typos


@pytest.mark.parametrize(
    "args",
    [
        ["brief", "--help"],
        ["timeline", "--help"],
        ["chart", "--help"],
        ["inspect", "--help"],
        ["eval", "--help"],
        ["cache", "stats", "--help"],
        ["--help"],
    ],
    ids=lambda a: " ".join(a),
)
def test_help_shows_plain_metavars(args: list[str]) -> None:
    code, out, _ = _run(*args)
    assert code == EXIT_OK
    assert re.findall(r"<[a-z]+(?:\[|>| range)", out) == []  # <bool>, <list[str]>, <int range>
    assert "{" not in out.split("\n", 1)[0]  # usage line: PATH..., not {PATH...}...


def test_help_names_values_by_what_they_are() -> None:
    _, out, _ = _run("brief", "--help")
    for shown in (
        "Usage: summarizer brief [OPTIONS] PATH...",
        "-o, --output FILE",
        "--day DATE",
        "--max-dates N",
        "--published ID=DATE",
        "--base-url URL",
        "--store PATH",
        "--format md|json|html",
        "--engine auto|extractive|llm",
    ):
        assert shown in out, shown
    assert re.search(r"^\s+--dry-run\s+Print", out, re.M)  # a flag has no metavar


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("--dryrun", "--dry-run"),
        ("--max-date", "--max-dates"),
        ("--out", "--output"),
        ("--since", "--since-last"),
        ("--base_url", "--base-url"),
        ("--concurency", "--concurrency"),
        ("--store-path", "--store"),
        ("--formt", "--format"),
    ],
)
def test_an_unknown_flag_names_the_nearest_real_one(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _usage_error(capsys, "brief", "in/", typed, "x")
    assert err == (
        f"summarizer: error: no such option {typed}; did you mean {meant}? "
        "(see 'summarizer brief --help')\n"
    )


def _usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(args))
    assert exited.value.code == EXIT_USAGE
    return capsys.readouterr().err


def test_no_suggestion_when_nothing_is_near(capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(capsys, "brief", "in/", "--xyz")
    assert "no such option --xyz (see 'summarizer brief --help')" in err
    assert nearest("--zzzz", ["--day", "--model"]) is None


def test_an_unknown_command_names_the_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(capsys, "breif", "in/")
    assert "no such command 'breif'; did you mean 'brief'?" in err


# --------------------------------------------------------------------------- configuration


def test_flags_win_over_the_environment(tmp_path: Path) -> None:
    env = {
        "SUMMARIZER_ENGINE": "llm",
        "SUMMARIZER_MODEL": "env-model",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "SUMMARIZER_CACHE_DIR": str(tmp_path / "env-cache"),
        "SUMMARIZER_STORE": str(tmp_path / "env-store.sqlite"),
    }
    from_env = build_config(RunOptions(), env)
    assert from_env.resolved_engine() is EngineChoice.LLM
    assert (from_env.llm.model, from_env.llm.base_url) == ("env-model", "http://127.0.0.1:9/v1")
    assert from_env.llm.cache_dir == tmp_path / "env-cache"
    assert from_env.store == tmp_path / "env-store.sqlite"
    flags = RunOptions(
        engine=EngineChoice.EXTRACTIVE,
        model="flag-model",
        base_url="http://localhost:8/v1",
        cache_dir=tmp_path / "flag-cache",
        store=tmp_path / "flag.sqlite",
        structured=StructuredMode.PROMPT,
        max_wait=3.0,
        concurrency=2,
        day="2024-10-08",
        published=["herald=2024-10-07"],
    )
    config = build_config(flags, env, since_last=True)
    assert config.resolved_engine() is EngineChoice.EXTRACTIVE
    assert (config.llm.model, config.llm.base_url) == ("flag-model", "http://localhost:8/v1")
    assert (config.llm.cache_dir, config.store) == (
        tmp_path / "flag-cache",
        tmp_path / "flag.sqlite",
    )
    assert (config.llm.structured, config.llm.max_total_wait, config.llm.concurrency) == (
        StructuredMode.PROMPT,
        3.0,
        2,
    )
    assert config.day == dt.date(2024, 10, 8) and config.since_last
    assert dict(config.published) == {"herald": dt.date(2024, 10, 7)}


def test_defaults_and_empty_variables(tmp_path: Path) -> None:
    env = {"SUMMARIZER_MODEL": "", "XDG_CACHE_HOME": str(tmp_path / "c"), "XDG_DATA_HOME": ""}
    config = build_config(RunOptions(), env)
    assert config.resolved_engine() is EngineChoice.EXTRACTIVE  # an empty model is no model
    assert config.llm.cache_dir == tmp_path / "c" / "summarizer"
    assert (config.llm.max_attempts, config.llm.timeout, config.llm.pack_tokens) == (5, 120.0, 2700)
    assert build_config(RunOptions(no_store=True), env).store is None


def test_base_url_variables_and_a_bad_engine() -> None:
    both = {"OPENAI_BASE_URL": "http://a/v1", "SUMMARIZER_BASE_URL": "http://b/v1"}
    assert build_config(RunOptions(), both).llm.base_url == "http://a/v1"
    assert build_config(RunOptions(), {"SUMMARIZER_BASE_URL": "http://b/v1"}).llm.base_url == (
        "http://b/v1"
    )
    with pytest.raises(ConfigError, match="SUMMARIZER_ENGINE='fast'") as raised:
        build_config(RunOptions(), {"SUMMARIZER_ENGINE": "fast"})
    assert raised.value.exit_code == EXIT_CONFIG


PROXY_ENVIRONMENTS = [
    pytest.param({"HTTP_PROXY": "http://up:3128", "https_proxy": "http://low:3128"}, id="cases"),
    pytest.param({"HTTPS_PROXY": "http://up:1", "https_proxy": "http://low:2"}, id="lower-wins"),
    pytest.param({"HTTP_PROXY": "http://up:1", "http_proxy": ""}, id="empty-lower-removes"),
    pytest.param({"HTTP_PROXY": "http://cgi:1", "REQUEST_METHOD": "GET"}, id="cgi"),
    pytest.param({"http_proxy": "http://p:1", "REQUEST_METHOD": "GET"}, id="cgi-lower"),
    pytest.param({"no_proxy": "localhost,.internal", "ALL_PROXY": "socks5://s:1"}, id="no-all"),
    pytest.param({"FTP_PROXY": "", "proxy": "x"}, id="none"),
]


@pytest.mark.parametrize("env", PROXY_ENVIRONMENTS)
def test_proxies_are_read_from_the_environment_as_urllib_reads_them(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib.request

    for name in list(os.environ):
        if name.lower().endswith("_proxy") or name == "REQUEST_METHOD":
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    expected = urllib.request.getproxies_environment()
    assert build_config(RunOptions(), env).fetch.proxies == expected
    assert proxies_from(env) == expected


# --------------------------------------------------------------------------- notes, inspect


def test_a_note_is_printed_once_in_the_output(tmp_path: Path) -> None:
    story = _write(tmp_path / "strike", {"herald.txt": STORM, "valley.txt": STORM_UNDATED})
    store = tmp_path / "runs.sqlite"
    # alone, valley has no date of its own and no other article to borrow one from
    code, out, err = _run("brief", story / "valley.txt", "--store", store)
    assert code == EXIT_OK, err
    assert out.count("No publication date found for valley") == 1
    assert "No publication date" not in err
    code, _, err = _run("chart", story / "valley.txt", "--store", store)
    assert code == EXIT_OK
    assert err.count("No publication date found for valley") == 1  # the SVG has no footer


def test_inspect_gives_an_article_the_same_date_alone_and_in_its_folder(tmp_path: Path) -> None:
    story = _write(tmp_path / "storm", {"herald.txt": STORM, "valley.txt": STORM_UNDATED})
    _, folder, _ = _run("inspect", story)
    for name in ("herald", "valley"):
        code, alone, err = _run("inspect", story / f"{name}.txt")
        assert code == EXIT_OK, err
        published = re.search(r"^published: .*$", alone, re.M)
        assert published is not None and published.group(0) in folder
    assert "published: 2024-10-08 (from the date line)" in folder
    assert "published: unknown (pass --published valley=YYYY-MM-DD)" in folder
    assert "run date:  2024-10-08 (from another article in the run" in folder
    assert "run date:" not in _run("inspect", story / "valley.txt")[1]

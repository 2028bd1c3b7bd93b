"""The run store and ``--since-last``: diffs between runs, the sqlite store, the CLI.

Reports are built by the real pipeline (extractive engine) from small synthetic
stories written to tmp folders: a chemical depot explosion and a river flood, not the
seeds. Every store lives under tmp_path (conftest also points SUMMARIZER_STORE and
XDG_DATA_HOME at a tmp folder for the whole suite).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import cli, pipeline
from summarizer.config import Config
from summarizer.errors import EXIT_CONFIG, EXIT_OK, EXIT_USAGE, ConfigError
from summarizer.models import Changes, NoPreviousRun, Report
from summarizer.store.compare import diff_runs
from summarizer.store.history import RunHistory
from summarizer.store.persist import SCHEMA_VERSION, default_store_path, open_store
from summarizer.store.records import StoredRun, scope_of, snapshot

# --------------------------------------------------------------------------- the stories


def _article(header: str, *paragraphs: str) -> str:
    """A plain-text article: a date and outlet header, then one paragraph per argument."""
    return header + "\n\n" + "\n\n".join(paragraphs) + "\n"


HARBOR = _article(
    "date: 2024-03-11\nOutlet: Harbor Times",
    "An explosion tore through a chemical depot in Port Elms on Sunday, "
    "killing three workers, the fire service said.",
    "Calder Logistics suspended all deliveries on Monday, a company spokesman said.",
    "Mayor Ines Varga announced an independent inquiry on Monday.",
)
HARBOR_REVISED = HARBOR.replace("killing three workers", "killing five workers")
COAST = _article(
    "date: 2024-03-11\nOutlet: Coast Radio",
    "Mayor Ines Varga announced an independent inquiry on Monday, her office said.",
    "Police closed the coastal road on Sunday night, a police spokeswoman said.",
)
DEPOT = {"harbor.txt": HARBOR, "coast.txt": COAST}
LEDGER = _article(
    "date: 2024-03-12\nOutlet: The Ledger",
    "Calder Logistics suspended all deliveries from the depot on Monday, the company said.",
    "Prosecutors opened a criminal investigation into the depot's safety record on Tuesday, "
    "the regional prosecutor said.",
)
LEDGER_TOLL = _article(
    "date: 2024-03-12\nOutlet: The Ledger",
    "An explosion tore through a chemical depot in Port Elms on Sunday, "
    "killing five workers, officials said.",
)
COAST_UNDATED = _article(
    "date: 2024-03-11\nOutlet: Coast Radio",
    "Police closed the coastal road near the depot, a police spokeswoman said.",
)
LEDGER_DATED = _article(
    "date: 2024-03-12\nOutlet: The Ledger",
    "Police closed the coastal road near the Port Elms depot on Sunday night, a spokeswoman said.",
)
GAZETTE = _article(
    "date: 2023-10-06\nOutlet: River Gazette",
    "The Tamsin river burst its banks on Friday, flooding 120 homes in Oldbridge, "
    "the council said.",
    "Rescue crews evacuated a care home on Friday evening, the fire brigade said.",
)
GAZETTE_REVISED = GAZETTE.replace("120 homes", "340 homes")


def _write(folder: Path, files: Mapping[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _report(folder: Path) -> Report:
    return pipeline.run([folder], Config())


def _run(folder: Path, files: Mapping[str, str], when: dt.datetime | None = None) -> StoredRun:
    report = _report(_write(folder, files))
    return snapshot(report, command="brief", scope=scope_of([folder]), created_at=when)


# --------------------------------------------------------------------------- diff_runs


@dataclass(frozen=True)
class Case:
    """Day 1 and day 2 folders and what the diff must say (texts by a distinctive phrase)."""

    name: str
    day1: Mapping[str, str]
    day2: Mapping[str, str]
    new_events: tuple[str, ...] = ()
    confirmed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (phrase, newly citing ids)
    revised: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()  # topic, old, new
    gone: tuple[str, ...] = ()
    new_articles: tuple[str, ...] = ()
    updated_articles: tuple[str, ...] = ()
    removed_articles: tuple[str, ...] = ()


CASES = [
    Case("unchanged", DEPOT, DEPOT),
    Case(
        "new outlet confirms, updated article revises the toll",
        DEPOT,
        {**DEPOT, "harbor.txt": HARBOR_REVISED, "ledger.txt": LEDGER},
        new_events=("Prosecutors opened",),
        confirmed=(("Calder Logistics suspended", ("ledger",)),),
        revised=(("killed", ("harbor: three killed",), ("harbor: five killed",)),),
        new_articles=("ledger",),
        updated_articles=("harbor",),
    ),
    Case(
        "a new outlet reports a higher toll",
        DEPOT,
        {**DEPOT, "ledger.txt": LEDGER_TOLL},
        confirmed=(("An explosion tore", ("ledger",)),),
        revised=(("killed", ("harbor: three killed",), ("ledger: five killed",)),),
        new_articles=("ledger",),
    ),
    Case(
        "an outlet catches up with the higher toll",
        {"harbor.txt": HARBOR, "ledger.txt": LEDGER_TOLL},
        {"harbor.txt": HARBOR_REVISED, "ledger.txt": LEDGER_TOLL},
        revised=(("killed", ("harbor: three killed",), ("harbor: five killed",)),),
        updated_articles=("harbor",),
    ),
    Case(
        # The event moves from the publication date (03-11) to Sunday (03-10): only the
        # overlapping span in the unchanged coast article can tell it is the same event.
        "a new outlet dates an event more precisely",
        {"coast.txt": COAST_UNDATED},
        {"coast.txt": COAST_UNDATED, "ledger.txt": LEDGER_DATED},
        confirmed=(("Police closed the coastal road", ("ledger",)),),
        new_articles=("ledger",),
    ),
    Case(
        "an article is removed",
        DEPOT,
        {"harbor.txt": HARBOR},
        gone=("Police closed the coastal road",),
        removed_articles=("coast",),
    ),
    Case(
        "the same outlet under a new file name revises a count",
        {"gazette.txt": GAZETTE},
        {"gazette-update.txt": GAZETTE_REVISED},
        revised=(
            (
                "homes flooding",
                ("gazette: 120 homes flooding",),
                ("gazette-update: 340 homes flooding",),
            ),
        ),
        new_articles=("gazette-update",),
        removed_articles=("gazette",),
    ),
    Case(
        "a different story entirely",
        {"gazette.txt": GAZETTE},
        {"harbor.txt": HARBOR},
        new_events=("An explosion tore", "Calder Logistics suspended", "Mayor Ines Varga"),
        gone=("The Tamsin river", "Rescue crews evacuated"),
        new_articles=("harbor",),
        removed_articles=("gazette",),
    ),
]


def _phrases(events: tuple[str, ...], phrases: tuple[str, ...]) -> list[str]:
    """The expected phrase each event text starts with (an unexpected text is kept whole)."""
    out = []
    for text in events:
        out.append(next((p for p in phrases if text.startswith(p)), text))
    return sorted(out)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diff_runs(case: Case, tmp_path: Path) -> None:
    previous = _run(tmp_path / "in", case.day1)
    current = _run(tmp_path / "in", case.day2)
    changes = diff_runs(previous, current)

    new_texts = tuple(e.text for e in changes.new_events)
    assert _phrases(new_texts, case.new_events) == sorted(case.new_events)
    gone_texts = tuple(e.text for e in changes.gone_events)
    assert _phrases(gone_texts, case.gone) == sorted(case.gone)

    confirmed = [(c.event.text, c.sources) for c in changes.confirmations]
    assert len(confirmed) == len(case.confirmed), confirmed
    for (text, sources), (phrase, expected) in zip(confirmed, case.confirmed, strict=True):
        assert text.startswith(phrase)
        assert sources == expected

    revised = [
        (
            r.topic,
            tuple(f"{c.source}: {c.value}" for c in r.old),
            tuple(f"{c.source}: {c.value}" for c in r.new),
        )
        for r in changes.revisions
    ]
    assert revised == list(case.revised)
    for revision in changes.revisions:  # old quotes from day 1, new ones from day 2
        assert all(c.quote in "".join(case.day1.values()) for c in revision.old)
        assert all(c.quote in "".join(case.day2.values()) for c in revision.new)

    assert [a.article.source_id for a in changes.new_articles] == list(case.new_articles)
    assert [a.article.source_id for a in changes.updated_articles] == list(case.updated_articles)
    assert [a.article.source_id for a in changes.removed_articles] == list(case.removed_articles)
    assert changes.is_empty() == (case.name == "unchanged")


def test_updated_article_keeps_its_previous_hash(tmp_path: Path) -> None:
    previous = _run(tmp_path / "in", DEPOT)
    current = _run(tmp_path / "in", {**DEPOT, "harbor.txt": HARBOR_REVISED})
    (updated,) = diff_runs(previous, current).updated_articles
    before = previous.article("harbor")
    assert before is not None
    assert updated.previous_hash == before.content_hash != updated.article.content_hash


def test_same_text_on_another_date_is_a_new_event(tmp_path: Path) -> None:
    """The text fallback needs the same date: a repeat of the sentence a week later is new."""
    later = HARBOR.replace("date: 2024-03-11", "date: 2024-03-18")
    previous = _run(tmp_path / "in", {"harbor.txt": HARBOR})
    current = _run(tmp_path / "in", {"harbor.txt": later})
    changes = diff_runs(previous, current)
    assert len(changes.new_events) == len(current.events) == len(changes.gone_events) == 3
    assert changes.revisions == () and changes.confirmations == ()


def test_overlapping_spans_match_even_when_the_merged_text_changes(tmp_path: Path) -> None:
    """A new outlet's wording may become the event text; the old source's span still matches."""
    previous = _run(tmp_path / "in", DEPOT)
    current = _run(tmp_path / "in", {**DEPOT, "ledger.txt": LEDGER})
    calder = next(e for e in current.events if e.text.startswith("Calder"))
    assert "from the depot" in calder.text  # the ledger's sentence now represents the event
    changes = diff_runs(previous, current)
    assert calder not in changes.new_events
    assert [c.event for c in changes.confirmations] == [calder]


# --------------------------------------------------------------------------- the sqlite store


def test_save_and_read_back_round_trips_the_run(tmp_path: Path) -> None:
    report = _report(_write(tmp_path / "in", {**DEPOT, "ledger.txt": LEDGER_TOLL}))
    # three killed (03-11), five in the next day's article: a revision, stored with the run
    assert [r.topic for r in report.revisions] == ["killed"]
    with open_store(tmp_path / "store.sqlite") as store:
        saved = store.save_run(report, command="brief", scope="s")
        loaded = store.previous_run(command="brief", scope="s")
    assert saved.id is not None and loaded == saved
    assert loaded.events == report.events
    assert loaded.disagreements == report.disagreements
    assert loaded.revisions == report.revisions
    assert {a.outlet for a in loaded.articles} == {"Harbor Times", "Coast Radio", "The Ledger"}


def test_previous_run_is_per_command_and_scope(tmp_path: Path) -> None:
    report = _report(_write(tmp_path / "in", DEPOT))
    with open_store(tmp_path / "store.sqlite") as store:
        first = store.save_run(report, command="brief", scope="a")
        store.save_run(report, command="timeline", scope="a")
        store.save_run(report, command="brief", scope="b")
        second = store.save_run(report, command="brief", scope="a")
        assert store.previous_run(command="brief", scope="a") == second
        assert store.previous_run(command="brief", scope="a", before=second.id) == first
        assert store.previous_run(command="brief", scope="c") is None
        assert store.previous_run(command="timeline", scope="b") is None


def test_articles_table_tracks_versions_and_sightings(tmp_path: Path) -> None:
    day1 = dt.datetime(2024, 3, 11, 7, 0, tzinfo=dt.UTC)
    day2 = dt.datetime(2024, 3, 12, 7, 0, tzinfo=dt.UTC)
    folder = tmp_path / "in"
    with open_store(tmp_path / "store.sqlite") as store:
        for when, files in ((day1, DEPOT), (day2, {**DEPOT, "harbor.txt": HARBOR_REVISED})):
            report = _report(_write(folder, files))
            store.save_run(report, command="brief", scope="s", created_at=when)
        rows = [(a.source_id, a.first_seen, a.last_seen) for a in store.articles()]
    assert sorted(rows) == sorted(
        [("coast", day1, day2), ("harbor", day1, day1), ("harbor", day2, day2)]
    )


def test_unreadable_run_is_skipped_for_the_one_before(tmp_path: Path) -> None:
    report = _report(_write(tmp_path / "in", DEPOT))
    path = tmp_path / "store.sqlite"
    with open_store(path) as store:
        good = store.save_run(report, command="brief", scope="s")
        bad = store.save_run(report, command="brief", scope="s")
        future = store.save_run(report, command="brief", scope="s")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE runs SET payload = '{\"nope\": 1}' WHERE id = ?", (bad.id,))
        conn.execute("UPDATE runs SET payload_format = 99 WHERE id = ?", (future.id,))
    with open_store(path) as store:
        assert store.previous_run(command="brief", scope="s") == good


def test_new_store_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "store.sqlite"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(ConfigError, match=r"newer summarizer.*--no-store"):
        open_store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(b"this is not sqlite, just some text " * 200)
    with pytest.raises(ConfigError, match=r"unusable.*--store PATH, or --no-store"):
        open_store(path)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_DATA_HOME": "/data"}, Path("/data/summarizer/store.sqlite")),
        ({}, Path("/home/ana/.local/share/summarizer/store.sqlite")),
        ({"XDG_DATA_HOME": ""}, Path("/home/ana/.local/share/summarizer/store.sqlite")),
    ],
)
def test_default_store_path(env: dict[str, str], expected: Path) -> None:
    assert default_store_path(env, home=Path("/home/ana")) == expected


def test_scope_is_the_set_of_absolute_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert scope_of(["b", "a"]) == scope_of([tmp_path / "a", tmp_path / "b", "a"])
    assert scope_of(["a"]) != scope_of(["b"])
    assert json.loads(scope_of(["https://example.org/feed"])) == ["https://example.org/feed"]


# --------------------------------------------------------------------------- concurrency

_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from summarizer.store.persist import open_store
    from summarizer.store.records import StoredRun

    run = StoredRun.model_validate_json(Path(sys.argv[2]).read_text(encoding="utf-8"))
    ready = Path(sys.argv[4])
    ready.touch()
    while not Path(sys.argv[5]).exists():
        pass
    with open_store(Path(sys.argv[1])) as store:
        for i in range(int(sys.argv[3])):
            store.save(run.model_copy(update={"command": f"brief-{sys.argv[6]}"}))
    """
)


def test_two_processes_write_one_new_store(tmp_path: Path) -> None:
    """Both open the not-yet-created store at once and save runs interleaved: none is lost."""
    run = _run(tmp_path / "in", DEPOT)
    payload = tmp_path / "run.json"
    payload.write_text(run.model_dump_json(), encoding="utf-8")
    path, go, per_process = tmp_path / "shared.sqlite", tmp_path / "go", 200
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(path),
                str(payload),
                str(per_process),
                str(tmp_path / f"ready{n}"),
                str(go),
                str(n),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    while not all((tmp_path / f"ready{n}").exists() for n in range(2)):
        if any(p.poll() is not None for p in procs):
            break
    go.touch()
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with open_store(path) as store:
        assert store.run_count() == 2 * per_process
        for n in range(2):
            latest = store.previous_run(command=f"brief-{n}", scope=run.scope)
            assert latest is not None and latest.events == run.events
    with sqlite3.connect(path) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM runs")]
    assert len(set(ids)) == len(ids) == 2 * per_process


def test_threads_share_one_store(tmp_path: Path) -> None:
    run = _run(tmp_path / "in", DEPOT)
    failures: list[BaseException] = []
    with open_store(tmp_path / "store.sqlite") as store:

        def work(n: int) -> None:
            try:
                for _ in range(10):
                    store.save(run.model_copy(update={"command": f"t{n}"}))
                    store.previous_run(command=f"t{n}", scope=run.scope)
            except BaseException as exc:  # reported below
                failures.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failures == []
        assert store.run_count() == 40


# --------------------------------------------------------------------------- RunHistory


def test_history_without_since_last_shows_nothing_but_saves(tmp_path: Path) -> None:
    folder = _write(tmp_path / "in", DEPOT)
    path = tmp_path / "store.sqlite"
    history = RunHistory.open(path, command="brief", inputs=[folder], since_last=False)
    report = _report(folder)
    current = history.record(report)
    assert history.since(current) is None
    history.save(current)
    again = RunHistory.open(path, command="brief", inputs=[folder], since_last=True)
    assert isinstance(again.since(again.record(report)), Changes)
    fresh = RunHistory.open(path, command="timeline", inputs=[folder], since_last=True)
    assert fresh.since(fresh.record(report)) == NoPreviousRun(command="timeline")


# --------------------------------------------------------------------------- the CLI


def _cli(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _section(brief: str) -> str:
    """The "Since the previous ..." section of a markdown brief or timeline."""
    match = re.search(r"^## Since the previous .*?(?=^## (?!Since))", brief, re.M | re.S)
    assert match, brief
    return match.group(0)


def _subsection(section: str, title: str) -> list[str]:
    """The top-level bullets of one ``### title`` subsection ([] when absent)."""
    match = re.search(rf"^### {title}\n(.*?)(?=^### |\Z)", section, re.M | re.S)
    if not match:
        return []
    return [line for line in match.group(1).splitlines() if line.startswith("- ")]


def test_cli_brief_since_last_lists_exactly_the_changes(tmp_path: Path) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    store = tmp_path / "history.sqlite"

    code, out, err = _cli("brief", folder, "--store", store, "--since-last")
    assert code == EXIT_OK, err
    first = _section(out)
    assert first.startswith("## Since the previous brief\n")
    assert "No previous brief of these inputs is in the store" in first

    code, out, err = _cli("brief", folder, "--store", store, "--since-last")
    assert code == EXIT_OK, err
    assert "Nothing changed" in _section(out)

    (folder / "harbor.txt").write_text(HARBOR_REVISED, encoding="utf-8")
    (folder / "ledger.txt").write_text(LEDGER, encoding="utf-8")
    code, out, err = _cli("brief", folder, "--store", store, "--since-last")
    assert code == EXIT_OK, err
    section = _section(out)
    assert re.match(r"## Since the previous brief \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n", section)
    listed = re.finditer(r"^(\d+)\. <a id=.*?`.*?/(\w+)\.txt`$", out, re.M)
    numbers = {m.group(2): m.group(1) for m in listed}
    ledger, harbor = numbers["ledger"], numbers["harbor"]
    assert f"New articles: The Ledger [[{ledger}]](#source-{ledger})." in section
    assert f"Updated articles: Harbor Times [[{harbor}]](#source-{harbor})." in section
    assert "No longer among the inputs" not in section

    (new,) = _subsection(section, "New events")
    assert new.startswith("- 2024-03-12: Prosecutors opened a criminal investigation")
    assert new.endswith(f"[[{ledger}]](#source-{ledger})")
    (confirmed,) = _subsection(section, "Newly confirmed")
    assert confirmed.startswith("- 2024-03-11: Calder Logistics suspended all deliveries")
    assert f"Now also [[{ledger}]](#source-{ledger}) (before: [[{harbor}]](#source-{harbor}))" in (
        confirmed
    )
    (revised,) = _subsection(section, "Revised figures")
    assert revised.startswith("- **Killed** (2024-03-10): An explosion tore through")
    assert f"  - was **three killed** [[{harbor}]](#source-{harbor}): “An explosion" in section
    assert "killing three workers" in section and "killing five workers" in section
    assert f"  - now **five killed** [[{harbor}]](#source-{harbor}): “An explosion" in section
    assert _subsection(section, "No longer in the timeline") == []
    assert out.index("## Since the previous brief") < out.index("## Headline")


def test_cli_json_since_last_object(tmp_path: Path) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    store = tmp_path / "history.sqlite"
    code, out, _ = _cli("brief", folder, "--store", store, "--since-last", "-f", "json")
    assert code == EXIT_OK
    assert json.loads(out)["since_last"] == {"previous_run": None}

    _write(folder, {**DEPOT, "ledger.txt": LEDGER_TOLL})
    code, out, _ = _cli("brief", folder, "--store", store, "--since-last", "-f", "json")
    assert code == EXIT_OK
    since = json.loads(out)["since_last"]
    assert since["previous_run"]["command"] == "brief"
    assert [a["id"] for a in since["new_articles"]] == ["ledger"]
    assert since["new_events"] == [] and since["gone_events"] == []
    (confirmed,) = since["confirmations"]
    assert confirmed["sources"] == ["ledger"] and confirmed["previous_sources"] == ["harbor"]
    (revised,) = since["revised_figures"]
    assert revised["topic"] == "killed"
    assert [(c["source"], c["normalized"]) for c in revised["old"]] == [("harbor", 3.0)]
    assert [(c["source"], c["normalized"]) for c in revised["new"]] == [("ledger", 5.0)]

    code, out, _ = _cli("brief", folder, "--store", store, "-f", "json")
    assert "since_last" not in json.loads(out)  # only with --since-last


def test_cli_html_and_timeline_since_last(tmp_path: Path) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    store = tmp_path / "history.sqlite"
    assert _cli("timeline", folder, "--store", store)[0] == EXIT_OK
    assert _cli("brief", folder, "--store", store)[0] == EXIT_OK
    _write(folder, {**DEPOT, "harbor.txt": HARBOR_REVISED})

    code, out, _ = _cli("brief", folder, "--store", store, "--since-last", "-f", "html")
    assert code == EXIT_OK
    assert "Since the previous brief (" in out and "Revised figures" in out
    assert "was <b>three killed</b> (Harbor Times)" in out

    code, out, _ = _cli("timeline", folder, "--store", store, "--since-last")
    assert code == EXIT_OK
    section = _section(out)
    assert section.startswith("## Since the previous timeline (")
    assert len(_subsection(section, "Revised figures")) == 1
    assert _subsection(section, "New events") == []


def test_cli_previous_brief_is_of_the_same_inputs(tmp_path: Path) -> None:
    depot = _write(tmp_path / "depot", DEPOT)
    flood = _write(tmp_path / "flood", {"gazette.txt": GAZETTE})
    store = tmp_path / "history.sqlite"
    assert _cli("brief", depot, "--store", store)[0] == EXIT_OK
    code, out, _ = _cli("brief", flood, "--store", store, "--since-last")
    assert code == EXIT_OK
    assert "No previous brief of these inputs" in _section(out)


def test_cli_previous_brief_is_cut_the_same_way(tmp_path: Path) -> None:
    """A brief narrowed by --max-dates/--per-date is compared with one narrowed alike:
    events it merely hides must not show as gone."""
    folder = _write(tmp_path / "story", DEPOT)
    store = tmp_path / "history.sqlite"
    assert _cli("brief", folder, "--store", store)[0] == EXIT_OK
    narrow = ("--max-dates", "1", "--per-date", "1")
    code, out, _ = _cli("brief", folder, "--store", store, *narrow, "--since-last")
    assert code == EXIT_OK
    assert "No previous brief of these inputs" in _section(out)
    code, out, _ = _cli("brief", folder, "--store", store, *narrow, "--since-last")
    assert code == EXIT_OK
    section = _section(out)
    assert "No previous brief" not in section
    assert _subsection(section, "No longer in the timeline") == []
    assert _subsection(section, "New events") == []


def test_cli_store_from_the_environment_and_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    env_store = tmp_path / "env" / "store.sqlite"
    monkeypatch.setenv("SUMMARIZER_STORE", str(env_store))
    assert _cli("brief", folder, "--no-store")[0] == EXIT_OK
    assert not env_store.exists()
    assert _cli("brief", folder, "--dry-run")[0] == EXIT_OK
    assert not env_store.exists()
    assert _cli("chart", folder, "--no-store", "-o", tmp_path / "chart.svg")[0] == EXIT_OK
    assert not env_store.exists()
    assert _cli("brief", folder)[0] == EXIT_OK
    with open_store(env_store) as store:
        assert store.run_count() == 1
    assert _cli("chart", folder, "-o", tmp_path / "chart.svg")[0] == EXIT_OK  # saved too
    with open_store(env_store) as store:
        assert store.run_count() == 2

    code, _, err = _cli("brief", folder, "--no-store", "--since-last")
    assert code == EXIT_USAGE
    assert "--no-store excludes --store and --since-last" in err


def test_cli_unusable_store_fails_before_any_output(tmp_path: Path) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    store = tmp_path / "store.sqlite"
    store.write_bytes(b"not a database " * 100)
    out_file = tmp_path / "brief.md"
    code, out, err = _cli("brief", folder, "--store", store, "-o", out_file)
    assert code == EXIT_CONFIG
    assert "--no-store" in err
    assert not out_file.exists() and out == ""


def test_cli_a_failed_save_keeps_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path / "story", DEPOT)
    out_file = tmp_path / "brief.md"

    def broken(self: RunHistory, report: Report) -> StoredRun:
        raise ConfigError("cannot write to the run store (disk I/O error)")

    monkeypatch.setattr(RunHistory, "save", broken)
    code, _, err = _cli("brief", folder, "--store", tmp_path / "s.sqlite", "-o", out_file)
    assert code == EXIT_OK
    assert out_file.read_text(encoding="utf-8").startswith("# Daily brief: 2024-03-11")
    assert "warning: this run was not saved to the store (cannot write" in err


# --------------------------------------------------------------------------- layering


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


PACKAGE = Path(__file__).resolve().parent.parent / "summarizer"


@pytest.mark.parametrize("module", sorted(p.name for p in (PACKAGE / "output").glob("*.py")))
def test_renderers_receive_the_comparison_not_the_store(module: str) -> None:
    imported = _imports(PACKAGE / "output" / module)
    assert not {m for m in imported if m.startswith("summarizer.store")}


def test_persistence_and_comparison_are_apart() -> None:
    compare = _imports(PACKAGE / "store" / "compare.py")
    persist = _imports(PACKAGE / "store" / "persist.py")
    assert "sqlite3" not in compare and not {m for m in compare if "persist" in m}
    assert not {m for m in persist if "compare" in m}

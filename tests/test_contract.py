"""The v1 JSON contract: the checked-in JSON Schema is the generated one, real outputs
validate against it, the typed models read them back losslessly, and what ``eval``
reads is a part of the contract.

Outputs come from the real CLI on the seeds and on a small story of our own (a bridge
closure) run twice with ``--since-last``, once with an unreadable file beside it.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from summarizer import cli
from summarizer.errors import EXIT_OK, EXIT_PARTIAL
from summarizer.output import contract
from summarizer.output.contract import (
    ClaimV1,
    DisagreementV1,
    EvalClaim,
    EvalDisagreement,
    EvalEvent,
    EvalEvidence,
    EvalSource,
    EvalSystem,
    EventV1,
    EvidenceV1,
    ReportV1,
    SourceV1,
)
from summarizer.output.report_json import document_text

BRIDGE = {
    "river.txt": "date: 2024-09-03\nOutlet: River Post\n\n"
    "The Aldmoor bridge was closed on Monday after inspectors found cracks in two piers, "
    "the city said.\n\nAbout 40,000 drivers cross the bridge every day.\n",
    "gazette.txt": "date: 2024-09-03\nOutlet: Aldmoor Gazette\n\n"
    "Inspectors found cracks in three piers of the Aldmoor bridge, which was closed on "
    "Monday, city engineers said.\n\nRepairs are expected to take until March 2025.\n",
}
BRIDGE_LATER = {
    **BRIDGE,
    "wire.txt": "date: 2024-09-04\nOutlet: Valley Wire\n\n"
    "The city council approved emergency funds of 2 million euros for the Aldmoor bridge "
    "on Tuesday, a spokeswoman said.\n",
}


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, [str(a) for a in args])
    return result.exit_code, result.stdout


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outputs(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """JSON documents the CLI wrote, by what they show."""
    tmp = tmp_path_factory.mktemp("contract")
    store = tmp / "store.sqlite"
    story = _write(tmp / "bridge", BRIDGE)
    docs: dict[str, str] = {}
    code, docs["seeds brief"] = _run("brief", seeds_dir, "-f", "json", "--no-store")
    assert code == EXIT_OK
    code, docs["seeds timeline --day"] = _run(
        "timeline", seeds_dir, "-f", "json", "--no-store", "--day", "2025-07-01"
    )
    assert code == EXIT_OK
    code, docs["no previous run"] = _run(
        "brief", story, "-f", "json", "--store", store, "--since-last"
    )
    assert code == EXIT_OK
    _write(story, BRIDGE_LATER)
    (story / "empty.txt").write_text("", encoding="utf-8")
    code, docs["changes and a failure"] = _run(
        "brief", story, "-f", "json", "--store", store, "--since-last"
    )
    assert code == EXIT_PARTIAL
    return docs


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((Path(__file__).parents[1] / contract.SCHEMA_PATH).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_checked_in_schema_is_the_generated_one(repo_root: Path) -> None:
    checked_in = (repo_root / contract.SCHEMA_PATH).read_text(encoding="utf-8")
    assert checked_in == contract.schema_text(), (
        "docs/schema/report-v1.schema.json is stale: run python -m summarizer.output.contract"
    )


def test_outputs_validate_against_the_schema(
    outputs: dict[str, str], validator: jsonschema.protocols.Validator
) -> None:
    for name, text in outputs.items():
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(text))
        ]
        assert errors == [], name


def test_the_outputs_cover_the_optional_parts(outputs: dict[str, str]) -> None:
    """The documents above exercise since_last (both shapes), failures and figures."""
    docs = {name: json.loads(text) for name, text in outputs.items()}
    assert "since_last" not in docs["seeds brief"]
    assert docs["seeds timeline --day"]["generated_for_day"] == "2025-07-01"
    assert docs["no previous run"]["since_last"] == {"previous_run": None}
    changes = docs["changes and a failure"]
    assert changes["since_last"]["previous_run"]["command"] == "brief"
    assert [a["id"] for a in changes["since_last"]["new_articles"]] == ["wire"]
    assert [f["stage"] for f in changes["failures"]] == ["ingest"]
    seeds = docs["seeds brief"]
    assert seeds["disagreements"] and seeds["agreements"]
    assert any(e["quantities"] for e in seeds["events"])


def test_models_read_the_outputs_back_byte_for_byte(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        assert document_text(ReportV1.model_validate_json(text)) == text, name


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["events"][0].pop("precision"), "precision"),
        (lambda d: d["events"][0].update(date="1 July"), "date"),
        (lambda d: d["sources"][0].update(extra_field=1), "extra_field"),
        (lambda d: d.update(schema_version="2"), "schema_version"),
    ],
    ids=["missing-field", "bad-date", "unknown-field", "other-version"],
)
def test_the_schema_rejects_what_v1_is_not(
    outputs: dict[str, str], validator: jsonschema.protocols.Validator, change: Any, where: str
) -> None:
    doc = json.loads(outputs["seeds brief"])
    change(doc)
    messages = [f"{list(e.absolute_path)} {e.message}" for e in validator.iter_errors(doc)]
    assert messages and any(where in m for m in messages), messages


READS: dict[type[BaseModel], type[BaseModel]] = {
    EvalSystem: ReportV1,
    EvalEvent: EventV1,
    EvalEvidence: EvidenceV1,
    EvalDisagreement: DisagreementV1,
    EvalClaim: ClaimV1,
    EvalSource: SourceV1,
}


def _json_types(annotation: Any) -> set[Any]:
    """The non-null types of an annotation (``str | None`` -> {str}; lists by their origin)."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    found = {typing.get_origin(a) or a for a in (args or (annotation,))} - {type(None)}
    return {t for t in found if not (isinstance(t, type) and issubclass(t, BaseModel))}


@pytest.mark.parametrize("reader", list(READS), ids=lambda m: m.__name__)
def test_what_eval_reads_is_part_of_the_contract(reader: type[BaseModel]) -> None:
    writer = READS[reader]
    for name, field in reader.model_fields.items():
        assert name in writer.model_fields, f"{reader.__name__}.{name} is not in {writer.__name__}"
        read, written = field.annotation, writer.model_fields[name].annotation
        assert _json_types(read) <= _json_types(written), f"{reader.__name__}.{name}"


def test_eval_reads_the_outputs(outputs: dict[str, str]) -> None:
    data = json.loads(outputs["seeds brief"])
    system = EvalSystem.model_validate(data)
    assert [e.date for e in system.events] == [e["date"] for e in data["events"]]
    assert [s.path for s in system.sources] == [s["path"] for s in data["sources"]]
    evidence = [(ev.source, ev.start, ev.end) for e in system.events for ev in e.evidence]
    assert evidence == [
        (ev["source"], ev["start"], ev["end"]) for e in data["events"] for ev in e["evidence"]
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.25, "plain"),
        (1e-05, "plain"),  # json '1e-05', pydantic '0.00001'
        (-2.5e-07, "plain"),
        (1e16, "plain"),  # json '1e+16', pydantic '10000000000000000.0'
        (123456789012345.6, 'quote "1e5": 0.00001\n\ttab \x00 \x1f \x7f \u2028 é 😀'),
    ],
)
def test_an_item_is_written_as_json_writes_it(value: float, text: str) -> None:
    """The long lists' items go through pydantic's JSON writer (faster); a number the two
    writers would spell differently, or a text that looks like one, must not change the
    document."""
    from summarizer.output.contract import QuantityV1
    from summarizer.output.report_json import _dumps, _item_text

    item = QuantityV1(
        kind="count",
        value=value,
        unit=None,
        low=None,
        high=value,
        approximate=False,
        raw=text,
        start=1,
        end=9,
        subject=text,
    )
    assert _item_text(item) == _dumps(item.model_dump(mode="json"))


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("[\n  1e-05\n]", True),  # a list's item, first on its line
        ("  1e+16", True),  # ... on the first line
        ('{\n  "a": [\n    -2.5e-07\n  ]\n}', True),
        ('{\n  "a": 0.00001\n}', True),
        ('{\n  "a": 12345678901234567\n}', True),
        ('{\n  "id": "e1e2",\n  "a": [\n    1,\n    2\n  ]\n}', False),
        ("x 1e5 and :  1e5", False),  # neither a value nor first on its line
    ],
)
def test_numbers_the_writers_could_spell_differently_are_seen(text: str, seen: bool) -> None:
    """Where a number is a value (after a key's ': ') or a list's item (first on its
    line, the first line too), its exponent, tiny or huge forms send the item to json."""
    from summarizer.output.report_json import _NUMBER_FORMS

    assert bool(_NUMBER_FORMS.search("\n" + text)) is seen

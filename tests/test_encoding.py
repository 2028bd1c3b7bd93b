"""Encoding detection (issue 10 item 3): short Western text is never read as an exotic
code page, strong evidence for another page still wins, and an uncertain guess is noted.

The first case is the issue's repro: a short cp1252/latin-1 file with one ``ü`` was read
as cp775 ("Z³rich"), exit 0, no warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import run_cli

from summarizer.errors import EXIT_OK
from summarizer.stages.ingest import ingest
from summarizer.stages.readers.decode import decode_text

ZURICH = (
    b"Date: March 11, 2024\n\nThe mayor of Z\xfcrich said on Monday that 200 homes were flooded.\n"
)

WESTERN = [
    ("german", "Der Bürgermeister von München sagte, dass 200 Häuser überflutet wurden."),
    ("french", "Il a été élu à Orléans."),
    ("spanish", "El alcalde de Málaga dijo que 200 casas se inundaron el martes."),
    ("euro sign", "The council approved a “€12 million” plan – shade and trees."),
]


def test_the_issue_repro_reads_zurich(tmp_path: Path) -> None:
    (tmp_path / "zurich.txt").write_bytes(ZURICH)
    out = tmp_path / "out.json"
    result = run_cli(["brief", str(tmp_path / "zurich.txt"), "-f", "json", "-o", str(out)])
    assert result.exit_code == EXIT_OK, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    (source,) = doc["sources"]
    assert "Zürich" in json.dumps(doc, ensure_ascii=False)
    assert "Z³rich" not in json.dumps(doc, ensure_ascii=False)
    assert source["encoding"] == "cp1252"
    assert not any("encoding" in n for n in doc["stats"]["notes"])


@pytest.mark.parametrize(("name", "text"), WESTERN, ids=[w[0] for w in WESTERN])
def test_short_western_text_is_cp1252(name: str, text: str) -> None:
    decoded = decode_text(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.encoding == "cp1252"
    assert decoded.note is None


STRONG = [
    ("polish cp1250", "Burmistrz Łodzi powiedział, że zalano 200 domów w środę.", "cp1250"),
    ("russian cp1251", "Мэр Москвы заявил в понедельник, что затоплены 200 домов.", "cp1251"),
    ("greek cp1253", "Ο δήμαρχος της Αθήνας δήλωσε ότι πλημμύρισαν 200 σπίτια.", "cp1253"),
]


@pytest.mark.parametrize(("name", "text", "encoding"), STRONG, ids=[s[0] for s in STRONG])
def test_strong_evidence_for_another_code_page_wins(name: str, text: str, encoding: str) -> None:
    """Bytes that read as symbols inside words (``£odzi``, ``powiedzia³``) or as whole
    words of accented capitals in cp1252 are not Western text."""
    decoded = decode_text(text.encode(encoding))
    assert decoded.text == text


def test_an_uncertain_guess_is_noted(tmp_path: Path) -> None:
    """Short Hebrew in cp1255 is not Western; what charset detection guesses from so
    little is uncertain, and the run says so once, in the output's notes (not on stderr too)."""
    hebrew = "ראש העיר אמר כי 200 בתים הוצפו."
    path = tmp_path / "short.txt"
    path.write_bytes(b"date: 2024-03-11\n" + hebrew.encode("cp1255") + b"\n")
    ingested = ingest([path])
    (note,) = ingested.notes
    assert str(path) in note and "encoding" in note and "UTF-8" in note
    out = tmp_path / "out.md"
    result = run_cli(["brief", str(path), "-o", str(out)])
    assert out.read_text(encoding="utf-8").count(note) == 1
    assert note not in result.stderr

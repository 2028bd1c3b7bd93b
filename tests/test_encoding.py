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

from summarizer.errors import EXIT_OK, EXIT_USAGE
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


# Bytes of Turkish (cp1254) and Czech (cp1250) text are valid cp1252 too: ş, ı, İ, ř, ů
# are þ, ý, Ý, ø, ù there, all letters. Invented sentences.
TURKISH = (
    "İzmir'de bir fabrikada çıkan yangında iki işçi yaralandı, itfaiye açıkladı. "
    "Yangın öğleden sonra başladı."
)
CZECH = "Řeka se v úterý vylila z břehů a zaplavila 340 domů, uvedli úředníci v Plzni."
RIVALS = [("turkish cp1254", TURKISH, "cp1254"), ("czech cp1250", CZECH, "cp1250")]


@pytest.mark.parametrize(("name", "text", "encoding"), RIVALS, ids=[r[0] for r in RIVALS])
def test_a_code_page_that_fits_the_letters_better_wins_and_is_noted(
    name: str, text: str, encoding: str
) -> None:
    data = text.encode(encoding)
    assert data.decode("cp1252").isprintable()  # the repro: valid cp1252 letters
    decoded = decode_text(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert decoded.note is not None and encoding in decoded.note and "cp1252" in decoded.note
    assert decoded.other == "cp1252"  # the one to force if the guess is wrong


MORE_WESTERN = [
    ("swedish", "Floden steg över bräddarna i Göteborg på tisdagen, sade kommunen."),
    ("icelandic", "Áin flæddi yfir bakka sína á þriðjudag, sagði borgarstjórinn í Reykjavík."),
    ("portuguese", "A ação da prefeitura de São Paulo começou à tarde, informou o órgão."),
    ("french accents", "À Besançon, l'été dernier, la Saône a débordé ; « c'est très grave »."),
]


@pytest.mark.parametrize(("name", "text"), MORE_WESTERN, ids=[w[0] for w in MORE_WESTERN])
def test_western_text_has_no_rival(name: str, text: str) -> None:
    decoded = decode_text(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.note) == (text, "cp1252", None)


def test_one_letter_is_not_enough_to_leave_cp1252_but_is_noted() -> None:
    text = "The fire started in Eskişehir on Monday, officials said."
    decoded = decode_text(text.encode("cp1254"))
    assert decoded.encoding == "cp1252"
    assert decoded.note is not None and decoded.other not in (None, "cp1252")
    assert f"read as cp1252; {decoded.other} reads 1 character differently" in decoded.note


def _turkish_file(tmp_path: Path) -> Path:
    path = tmp_path / "yangin.txt"
    path.write_bytes(b"date: 2024-03-11\n" + TURKISH.encode("cp1254") + b"\n")
    return path


def test_the_note_says_how_to_force_the_other_encoding(tmp_path: Path) -> None:
    path = _turkish_file(tmp_path)
    out = tmp_path / "out.md"
    result = run_cli(["brief", str(path), "-o", str(out), "--no-store"])
    assert result.exit_code == EXIT_OK, result.stderr
    brief = out.read_text(encoding="utf-8")
    (note,) = [line for line in brief.splitlines() if "code page" in line]
    assert str(path) in note and "read as cp1254" in note
    assert "pass --encoding cp1252" in note and "UTF-8" in note
    assert "İzmir" in brief and "Ýzmir" not in brief

    forced = run_cli(["brief", str(path), "-o", str(out), "--no-store", "--encoding", "cp1252"])
    assert forced.exit_code == EXIT_OK, forced.stderr
    brief = out.read_text(encoding="utf-8")
    assert "Ýzmir" in brief and "code page" not in brief  # as asked, and no guess to note


def test_inspect_shows_the_note_and_takes_the_option(tmp_path: Path) -> None:
    path = _turkish_file(tmp_path)
    shown = run_cli(["inspect", str(path)])
    assert shown.exit_code == EXIT_OK, shown.stderr
    assert "encoding:  cp1254" in shown.stdout and "--encoding cp1252" in shown.stdout
    forced = run_cli(["inspect", str(path), "--encoding", "windows-1252"])
    assert "encoding:  cp1252" in forced.stdout and "--- note ---" not in forced.stdout


def test_a_utf8_file_stays_utf8_whatever_is_forced(tmp_path: Path) -> None:
    path = tmp_path / "utf8.txt"
    path.write_text(f"date: 2024-03-11\n{TURKISH}\n", encoding="utf-8")
    result = run_cli(["inspect", str(path), "--encoding", "cp1254"])
    assert "encoding:  utf-8" in result.stdout and "İzmir" in result.stdout


def test_a_forced_encoding_that_does_not_fit_or_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"date: 2024-03-11\nThe mayor said \x81 on Monday that 200 homes flooded.\n")
    result = run_cli(["inspect", str(path), "--encoding", "cp1252"])
    assert result.exit_code == EXIT_USAGE
    assert "not cp1252 text (byte 0x81 at offset 32)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    unknown = run_cli(["brief", str(path), "--encoding", "klingon", "--no-store"])
    assert unknown.exit_code == EXIT_USAGE
    assert "--encoding 'klingon': not a text encoding" in unknown.stderr

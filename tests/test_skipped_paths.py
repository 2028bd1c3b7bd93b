"""Odd paths (issue 10 item 11): every path a folder walk skips is named once on stderr
with the reason, special files are refused without blocking, and a PDF is never read
as an article.

Repros kept as tests: symlink loops, dangling links and FIFOs in a folder were skipped
with no message; a FIFO passed directly blocked the run for ever; an ASCII-only ``.pdf``
was read as an article (its drawing commands became events); a PDF or PNG in a folder
was skipped without a note.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import FLOOD, VOTE, run_cli

from summarizer.errors import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

ASCII_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"4 0 obj << /Length 44 >> stream\n"
    b"BT /F1 24 Tf 72 712 Td (The mayor resigned on Monday.) Tj ET\n"
    b"endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _skip_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("summarizer: skipped ")]


@needs_fifo
def test_every_skipped_path_in_a_folder_is_named_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "flood.txt").write_text(FLOOD, encoding="utf-8")
    (folder / "sub" / "vote.txt").write_text(VOTE, encoding="utf-8")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "scan.pdf").write_bytes(ASCII_PDF)
    (folder / "photo.png").write_bytes(PNG)
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)
    (folder / ".git").mkdir()
    (folder / ".git" / "notes.txt").write_text(VOTE, encoding="utf-8")
    expected = {
        "loop.txt": "symlink loop",
        "dangling.txt": "dangling link",
        "pipe.txt": "not a regular file (a FIFO)",
        "scan.pdf": "not an article format",
        "photo.png": "not an article format",
        "sub/up": "link back to",
        ".git": "hidden",  # once, not each file inside
    }
    out = tmp_path / "out.json"
    result = run_cli(["brief", str(folder), "-f", "json", "-o", str(out), "--no-store"])
    assert result.exit_code == EXIT_OK, result.stderr
    lines = _skip_lines(result.stderr)
    assert len(lines) == len(expected), result.stderr
    for name, reason in expected.items():
        (line,) = [x for x in lines if x.startswith(f"summarizer: skipped {folder / name}: ")]
        assert reason in line, line
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(s["id"] for s in doc["sources"]) == ["flood", "vote"]
    assert "resigned" not in json.dumps(doc)


@needs_fifo
def test_a_fifo_passed_directly_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "flood.txt"
    good.write_text(FLOOD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "summarizer.cli", "brief", str(fifo), str(good), "--no-store"],
        capture_output=True,
        text=True,
        timeout=60,  # it blocked for ever
        check=False,
    )
    assert done.returncode == EXIT_PARTIAL, done.stderr
    assert f"failed (ingest): {fifo}: not a regular file (a FIFO)" in done.stderr


@pytest.mark.parametrize(
    ("name", "data"),
    [("scan.pdf", ASCII_PDF), ("scan.txt", ASCII_PDF)],
    ids=["pdf suffix", "pdf content named .txt"],
)
def test_a_pdf_is_never_read_as_an_article(name: str, data: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / name
    pdf.write_bytes(data)
    result = run_cli(["brief", str(pdf), "--no-store"])
    assert result.exit_code == EXIT_USAGE, result.stderr
    assert f"failed (ingest): {pdf}: this is a PDF document, not article text" in result.stderr
    assert "resigned" not in result.stdout


def test_a_path_reached_twice_is_named_once(tmp_path: Path) -> None:
    """A folder linked from another (and passed twice) names its odd files once."""
    real = tmp_path / "in" / "real"
    real.mkdir(parents=True)
    (real / "flood.txt").write_text(FLOOD, encoding="utf-8")
    (real / "scan.pdf").write_bytes(ASCII_PDF)
    (tmp_path / "in" / "alias").symlink_to("real", target_is_directory=True)
    folder = tmp_path / "in"
    result = run_cli(["brief", str(folder), str(real), "--no-store", "-o", str(tmp_path / "o.md")])
    assert result.exit_code == EXIT_OK, result.stderr
    lines = _skip_lines(result.stderr)
    assert len(lines) == 1 and "scan.pdf" in lines[0], result.stderr

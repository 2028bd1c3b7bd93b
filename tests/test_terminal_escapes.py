"""Input-derived text on stderr cannot drive the terminal (issue 10, found after round 2).

Repros kept as tests: a file named ``\\x1b]0;owned\\x07\\x1b[2J.txt`` (set the window title,
clear the screen) that failed to read was printed on stderr as it is, so the terminal ran
the sequences. Now every line the command prints on stderr shows a control character as
``\\xNN``: the name is still recognisable and nothing reaches the terminal raw.
``summarizer inspect`` printed an article's kept text raw on stdout; it now shows the
same ``\\xNN``, keeping its own line breaks.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from summarizer import cli
from summarizer.cli.errors import stderr_logging, terminal_safe
from summarizer.errors import EXIT_OK, EXIT_PARTIAL

STORY = (
    "date: 2025-05-06\nFloodwaters forced 2,100 residents from their homes in Novi Sad on "
    "Monday. The city declared an emergency late Sunday, the mayor said.\n"
)
TITLE_AND_CLEAR = "\x1b]0;owned\x07\x1b[2J"  # OSC window title, then erase the screen
C1_CSI = "\x9b31m"  # the one-byte CSI of C1 controls


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    code = stop.value.code
    return (code if isinstance(code, int) else EXIT_OK), capsys.readouterr().err


def _raw_controls(text: str) -> list[str]:
    """Control characters other than newline (C0, DEL, C1) found in ``text``."""
    return sorted({ch for ch in text if ch != "\n" and (ord(ch) < 32 or 127 <= ord(ch) < 160)})


@pytest.mark.skipif(sys.platform == "win32", reason="file names with control characters")
def test_a_file_name_with_escape_sequences_does_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "flood.txt").write_text(STORY, encoding="utf-8")
    (folder / f"{TITLE_AND_CLEAR}empty.txt").write_bytes(b"")  # fails: empty
    (folder / f"{C1_CSI}scan.pdf").write_bytes(b"%PDF-1.7\n")  # skipped: a PDF
    code, err = _main(["brief", str(folder), "--no-store"], capsys)
    assert code == EXIT_PARTIAL
    assert _raw_controls(err) == []
    assert "\\x1b]0;owned\\x07\\x1b[2Jempty.txt" in err  # the name, readable
    assert "\\x9b31mscan.pdf" in err


def test_a_newline_in_a_name_cannot_forge_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / f"gone{TITLE_AND_CLEAR}\nsummarizer: error: forged"
    code, err = _main(["brief", str(missing), "--no-store"], capsys)
    assert code != EXIT_OK
    assert _raw_controls(err) == []
    assert not [line for line in err.splitlines() if line.startswith("summarizer: error: forged")]
    (named,) = [line for line in err.splitlines() if "forged" in line]
    assert "gone\\x1b]0;owned\\x07\\x1b[2J\\x0asummarizer: error: forged" in named


def test_log_records_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    with stderr_logging(quiet=False, verbose=False, debug=False):
        logging.getLogger("summarizer").warning("damaged file %s set aside", f"c{TITLE_AND_CLEAR}")
    err = capsys.readouterr().err
    assert _raw_controls(err) == []
    assert err == "summarizer: damaged file c\\x1b]0;owned\\x07\\x1b[2J set aside\n"


def test_terminal_safe_keeps_ordinary_text() -> None:
    text = "Zürich — «cité» 東京\tcolumns"
    assert terminal_safe(text) == text
    assert terminal_safe("a\nb") == "a\\x0ab"
    assert terminal_safe("a\nb\x1b", lines=True) == "a\nb\\x1b"


def test_inspect_shows_the_article_text_without_raw_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "flood.txt"
    lead, rest = STORY.split(" Monday. ")
    text = f"{lead} Monday.{TITLE_AND_CLEAR} {C1_CSI}The city declared {rest}"
    article.write_text(text + "\nTitle\x1b[8m hidden.\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        cli.main(["inspect", str(article)])
    out = capsys.readouterr().out
    assert stop.value.code in (None, EXIT_OK)
    assert _raw_controls(out) == []
    assert "Monday.\\x1b]0;owned\\x07\\x1b[2J \\x9b31mThe city declared" in out
    assert "Title\\x1b[8m hidden." in out
    assert "--- kept text ---\n" in out and "--- dropped ---\n" in out  # its own lines kept

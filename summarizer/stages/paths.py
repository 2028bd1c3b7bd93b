"""Which files a run reads: folders walked, links followed, every odd path named.

A folder is walked recursively in sorted order. Links to files and folders are
followed; a link back into a folder already being walked (a loop), a link to nothing,
a link that loops on itself, a FIFO, socket or device, a file of another format
(``.pdf``, ``.png``...) and hidden entries (the top-most one only) are skipped, and each
is reported once as a :class:`~summarizer.models.InputFailure` with stage ``skipped`` and
the reason, for the CLI to print. A path given directly that is not a regular file, or
is a PDF (by suffix or by its first bytes, ASCII-only ones included), fails with a
one-line reason instead of being read: a FIFO would block the run for ever, and a PDF's
drawing commands would read as sentences.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.errors import InputError
from summarizer.models import InputFailure
from summarizer.stages.fetch import is_url

FEED_SUFFIXES = (".rss", ".atom", ".xml")
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", *FEED_SUFFIXES)
SKIPPED = "skipped"  # InputFailure.stage of a path a folder walk passed over

# Documents and images that are never article text, by their first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image (a binary file)"),
    (b"\xff\xd8\xff", "a JPEG image (a binary file)"),
    (b"GIF8", "a GIF image (a binary file)"),
    (b"PK\x03\x04", "a zip archive or office document (a binary file)"),
    (b"\x1f\x8b", "a gzip archive (a binary file)"),
)
_DOCUMENT_SUFFIXES = {".pdf": "a PDF document"}
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass
class Found:
    """The files to read, in order, and the paths passed over (with reasons)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[InputFailure] = field(default_factory=list)
    failures: list[InputFailure] = field(default_factory=list)  # paths that do not exist...


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a regular file")


def special_file_reason(path: Path) -> str | None:
    """Why ``path`` is not a regular file to read (``None`` when it is one)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # reading it reports the error
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"not a regular file ({_kind(mode)})"


def not_text_reason(path: Path, head: bytes) -> str | None:
    """``a PDF document`` and the like, by suffix or by the first bytes; else ``None``."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    return _DOCUMENT_SUFFIXES.get(path.suffix.lower())


def check_readable(path: Path, head: bytes) -> None:
    """:class:`InputError` (one line) for a document or image that is not article text."""
    what = not_text_reason(path, head)
    if what is not None:
        raise InputError(
            f"{path}: this is {what}, not article text; save the article's text as a .txt "
            "file (or its page as .html) and pass that"
        )


# --------------------------------------------------------------------------- folders


def _skip(found: Found, path: Path, reason: str) -> None:
    found.skipped.append(InputFailure(path=str(path), reason=reason, stage=SKIPPED))


def _entry_reason(path: Path) -> str | None:
    """Why a non-folder entry of a folder is skipped (``None``: read it)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            if exc.errno == errno.ELOOP:
                return "a symlink loop"
            return f"a dangling link (to {os.readlink(path)}, which does not exist)"
        return f"cannot read it ({exc.strerror or type(exc).__name__})"
    if not stat.S_ISREG(mode):
        return f"not a regular file ({_kind(mode)})"
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        shown = path.suffix.lower() or "no suffix"
        return f"not an article format ({shown}); articles are {', '.join(ARTICLE_SUFFIXES)} files"
    return None


def walk(folder: Path, found: Found, walking: set[tuple[int, int]] | None = None) -> None:
    """Add ``folder``'s article files (recursively, sorted) and its skipped paths."""
    walking = set() if walking is None else walking
    key = _dir_key(folder)
    walking.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        _skip(found, folder, f"cannot read the folder ({exc.strerror or type(exc).__name__})")
        return
    for entry in entries:
        path = folder / entry.name
        if entry.name.startswith("."):
            _skip(found, path, "hidden")
            continue
        if path.is_dir():
            target = _dir_key(path)
            if target in walking:
                _skip(found, path, f"a link back to {path.resolve()} (a loop); not followed")
            else:
                walk(path, found, walking)
            continue
        reason = _entry_reason(path)
        if reason is None:
            found.files.append(path)
        else:
            _skip(found, path, reason)
    walking.discard(key)


def _dir_key(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def article_files(folder: Path) -> list[Path]:
    """Article files under ``folder`` (see :func:`walk`), without the skipped paths."""
    found = Found()
    walk(folder, found)
    return found.files


def _key(path: str) -> str:
    """One name for a path reached several ways (through links, or passed twice)."""
    try:  # a dangling link or a loop is named by itself
        return str(Path(path).resolve()) if Path(path).exists() else path
    except (OSError, RuntimeError):
        return path


def _once(skipped: list[InputFailure]) -> list[InputFailure]:
    seen: set[str] = set()
    kept = []
    for item in skipped:
        key = _key(item.path)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def expand(paths: Sequence[str | Path]) -> tuple[list[Path | str], Found]:
    """Files (folders walked) and URLs (kept as strings), in order, each once, with the
    paths passed over (``Found.skipped``) and those that cannot be used (``failures``)."""
    files: list[Path | str] = []
    found = Found()
    seen: set[Path | str] = set()
    for raw in paths:
        if is_url(raw):
            url = str(raw).strip()
            if url not in seen:
                seen.add(url)
                files.append(url)
            continue
        for f in _expand_one(Path(raw), found):
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    found.skipped = _once(found.skipped)
    return files, found


def _expand_one(p: Path, found: Found) -> list[Path]:
    if p.is_dir():
        inside = Found()
        walk(p, inside)
        found.skipped.extend(inside.skipped)
        if not inside.files:
            kinds = ", ".join(ARTICLE_SUFFIXES)
            reason = f"{p}: the folder has no articles ({kinds}); add some or pass files"
            found.failures.append(InputFailure(path=str(p), reason=reason))
        return inside.files
    if p.exists():
        return [p]
    reason = f"{p}: no such file or folder; check the path"
    found.failures.append(InputFailure(path=str(p), reason=reason))
    return []

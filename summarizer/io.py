"""Atomic file output: a kill mid-write leaves the previous file intact.

The text goes to a temporary file in the target's directory, is flushed and
fsynced, then renamed over the target with :func:`os.replace` (atomic on POSIX
and Windows when both paths are on one filesystem, which the same directory
guarantees).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from summarizer.errors import InputError


def write_atomic(
    path: str | os.PathLike[str], text: str | Iterable[str], *, encoding: str = "utf-8"
) -> Path:
    """Write ``text`` (or its pieces, one after another) to ``path`` atomically and
    return the resolved path.

    Raises :class:`InputError` when the directory does not exist or is not writable.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(
            f"{target}: directory {directory} does not exist; create it or pick another -o path"
        )
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(
            f"{target}: cannot write in {directory} ({exc.strerror}); pick another -o path"
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            for piece in [text] if isinstance(text, str) else text:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_mode(target, tmp_name)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)
    return target


def _copy_mode(target: Path, tmp_name: str) -> None:
    """Keep the permissions of an existing target; new files get the umask default."""
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp_name, mode)


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (best effort; not every platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

"""Reading a file's bytes and decoding them to text.

The encoding: a byte-order mark first, then strict UTF-8, then Western text (cp1252,
else Latin-1) whenever it reads as Western text, then charset-normalizer's guess ranked
by the marks a wrong code page leaves (symbols inside words, mixed-script words). A
guess from short or ambiguous evidence carries a note naming the file. A binary, empty,
unreadable or special file (a FIFO, a PDF, an image) is an :class:`InputError`.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import InputError
from summarizer.stages.paths import (
    check_readable,
    special_file_reason,
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")  # controls other than \t\n\v\f\r

_MAX_CONTROL_RATIO = 0.02


class BinaryError(ValueError):
    """Bytes that are not text in any encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    """Decoded text, its encoding, and why the encoding is uncertain (when it is)."""

    text: str
    encoding: str
    note: str | None = None  # e.g. "read as cp1251, a guess from 12 non-ASCII characters"


def read_text(path: str | Path) -> tuple[str, str]:
    """Read and decode a file: ``(text, encoding)`` (see :func:`read_decoded`)."""
    decoded = read_decoded(path)
    return decoded.text, decoded.encoding


def read_decoded(path: str | Path) -> Decoded:
    """Read and decode a file.

    Encoding: a byte-order mark first, then strict UTF-8, then Western (cp1252, else
    Latin-1) unless the bytes are plainly not Western text, then charset-normalizer's
    guess (see :func:`decode_text`). Raises :class:`InputError` for an unreadable, empty
    or binary file.
    """
    p = Path(path)
    data = read_bytes(p)
    try:
        decoded = decode_text(data)
    except BinaryError:
        raise InputError(
            f"{p}: this is a binary file, not article text; "
            "pass .txt, .md, .html or .jsonl articles"
        ) from None
    if not decoded.text or decoded.text.isspace():  # as ``not .strip()``, without a copy
        raise InputError(f"{p}: the file is empty; add the article text or remove the file")
    return decoded


def read_bytes(path: Path) -> bytes:
    """The file's bytes; :class:`InputError` if it cannot be read, is not a regular file
    (a FIFO would block the read for ever), is empty, or is a PDF or an image."""
    special = special_file_reason(path)
    if special is not None:
        raise InputError(f"{path}: {special}; pass article files")
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening does not wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError(f"{path}: not a regular file; pass article files")
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            f"{path}: cannot read the file ({reason}); check the path and its permissions"
        ) from None
    if not data or data.isspace():  # as ``not data.strip()``, without copying huge data
        raise InputError(f"{path}: the file is empty; add the article text or remove the file")
    check_readable(path, data[:16])
    return data


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding)``; raise on binary data."""
    decoded = decode_text(data)
    return decoded.text, decoded.encoding


def decode_text(data: bytes) -> Decoded:
    """Decode bytes: a BOM, then UTF-8, then Western text, then a guess; raise on binary.

    Why not charset-normalizer alone: on a short file it has too little to go on and
    picks exotic code pages (one ``ü`` made "Zürich" cp775's "Z³rich"). Western text
    (cp1252, else Latin-1) is taken whenever it reads as Western text
    (:func:`_reads_western`); only bytes that plainly do not (symbols inside words,
    words made of accented letters) go to charset-normalizer, whose guess carries a
    note when another code page reads just as well and the evidence is short.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(*_checked(data.decode(encoding), encoding))
            except UnicodeDecodeError:
                raise BinaryError(encoding) from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise BinaryError("NUL bytes")
        try:
            return Decoded(*_checked(data.decode(utf16), utf16))
        except UnicodeDecodeError:  # NULs where UTF-16 has them, but not UTF-16 after all
            raise BinaryError(utf16) from None
    try:
        return Decoded(*_checked(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    return _guess_encoding(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit in every other byte, as in UTF-16 ASCII text."""
    if len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    if odd.count(0) > 0.4 * half and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * half and odd.count(0) == 0:
        return "utf-16-be"
    return None


# Symbols that Western text attaches to words ("20°C", "km²", "Brand™", "¿Qué", "«oui»").
_ATTACHED_SYMBOLS = frozenset("°²³¹™®©‰¿¡«»·")

_MAX_ACCENTED_SHARE = 0.3  # accented letters among all letters, at most, in Western text

_SHORT_EVIDENCE = 100  # fewer non-ASCII characters than this is a short basis for a guess


def _misread_marks(text: str) -> int:
    """Characters that show bytes read in the wrong code page.

    Control characters (C1 from Latin-1), and non-ASCII symbols that touch a letter:
    inside a word always ("Z³rich", "zosta³o"), at a word's edge unless Western text
    puts that symbol there ("£odzi" counts, "20°C" does not).
    """
    marks = 0
    for i, ch in enumerate(text):
        if ch.isascii() or ch.isalpha() or ch.isspace():
            continue
        category = unicodedata.category(ch)
        if category.startswith("C"):
            marks += 1
            continue
        if category.startswith(("P", "Z")):
            continue
        before = i > 0 and text[i - 1].isalpha()
        after = i + 1 < len(text) and text[i + 1].isalpha()
        if (before and after) or ((before or after) and ch not in _ATTACHED_SYMBOLS):
            marks += 1
    return marks + _mixed_script_words(text)


_JAPANESE = frozenset({"CJK", "HIRAGANA", "KATAKANA"})  # one script family in a word


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "CJK" if name in _JAPANESE else name


def _mixed_script_words(text: str) -> int:
    """Words whose letters come from two scripts ("Zürich" is Latin; "汯ﾒ" is not one)."""
    mixed = 0
    for word in re.findall(r"[^\W\d_]+", text):
        if not word.isascii() and len({_script(ch) for ch in word}) > 1:
            mixed += 1
    return mixed


def _accented_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(not ch.isascii() for ch in letters) / len(letters)


def _reads_western(text: str) -> bool:
    """Western text: no misread marks, and accented letters a minority of the letters
    (Cyrillic, Greek or Hebrew bytes read as cp1252 are words of accented letters)."""
    return _misread_marks(text) == 0 and _accented_share(text) <= _MAX_ACCENTED_SHARE


def _western(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1"


def _guess_encoding(data: bytes) -> Decoded:
    western, western_encoding = _western(data)
    if _reads_western(western):
        return Decoded(*_checked(western, western_encoding))
    # Imported here for start-up time only: most files are UTF-8 or read as Western.
    import charset_normalizer

    readings: dict[str, tuple[str, str]] = {}
    for match in charset_normalizer.from_bytes(data):
        readings.setdefault(str(match), (str(match), match.encoding))
    readings.setdefault(western, (western, western_encoding))  # known not to read as Western
    ranked = sorted(readings.values(), key=lambda r: _misread_marks(r[0]))  # stable: detector order
    text, encoding = ranked[0]
    best = _misread_marks(text)
    rivals = [e for t, e in ranked[1:] if _misread_marks(t) == best]
    evidence = sum(not ch.isascii() for ch in text)
    note = None
    if best or (rivals and evidence < _SHORT_EVIDENCE):
        also = f" ({rivals[0]} reads as well)" if rivals else ""
        note = (
            f"the text is not UTF-8 and its encoding was guessed as {encoding} from "
            f"{evidence} non-ASCII characters{also}"
        )
    return Decoded(*_checked(text, encoding), note=note)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Reject decoded text full of control characters or replacement marks."""
    if text and len(_BAD_CHARS.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise BinaryError(encoding)
    return text, encoding

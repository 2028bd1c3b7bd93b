"""Reading a file's bytes and decoding them to text.

The encoding: a byte-order mark first, then strict UTF-8, then the encoding the user
forced (``--encoding``), then Western text (cp1252, else Latin-1) whenever it reads as
Western text, unless another single-byte code page reads the same bytes as other letters
and fits them better (chardetng, the detector Firefox uses for legacy pages: Turkish
cp1254 and Czech cp1250 bytes are valid cp1252 letters too); then charset-normalizer's
guess ranked by the marks a wrong code page leaves (symbols inside words, mixed-script
words). A choice between code pages that read the bytes as different letters, or a guess
from short or ambiguous evidence, carries a note naming the encoding chosen and the
other one. A binary, empty, unreadable or special file (a FIFO, a PDF, an image) is an
:class:`InputError`.
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
    other: str | None = None  # with a note: the encoding that reads the bytes otherwise


def read_text(path: str | Path) -> tuple[str, str]:
    """Read and decode a file: ``(text, encoding)`` (see :func:`read_decoded`)."""
    decoded = read_decoded(path)
    return decoded.text, decoded.encoding


def read_decoded(path: str | Path, encoding: str | None = None) -> Decoded:
    """Read and decode a file.

    Encoding: a byte-order mark first, then strict UTF-8, then ``encoding`` when given
    (``--encoding``), else Western (cp1252, else Latin-1) unless the bytes are plainly
    not Western text or another code page fits them better, then charset-normalizer's
    guess (see :func:`decode_text`). Raises :class:`InputError` for an unreadable, empty
    or binary file, or one that is not valid in the forced ``encoding``.
    """
    p = Path(path)
    data = read_bytes(p)
    try:
        decoded = decode_text(data, encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{p}: not {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "pass another --encoding, or leave it out to detect it"
        ) from None
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


def decode_text(data: bytes, forced: str | None = None) -> Decoded:
    """Decode bytes: a BOM, then UTF-8, then ``forced`` (strict: a byte it does not
    define raises UnicodeDecodeError), else Western text, then a guess; raise on binary.

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
    if forced is not None:
        return Decoded(*_checked(data.decode(forced), codecs.lookup(forced).name))
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

_RIVAL_EVIDENCE = 3  # characters read otherwise, at least, to leave Western for a rival page

_SAMPLE = 1 << 20  # bytes chardetng reads, and characters of its reading checked for marks


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
        return _western_unless_rival(data, western, western_encoding)
    # Imported here for start-up time only: most files are UTF-8 or read as Western.
    import charset_normalizer

    readings: dict[str, tuple[str, str]] = {}
    firefox = _chardetng_reading(data)
    if firefox is not None:  # first: it wins a tie
        readings[firefox[0]] = firefox
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
    return Decoded(*_checked(text, encoding), note=note, other=rivals[0] if rivals else None)


def _western_unless_rival(data: bytes, western: str, encoding: str) -> Decoded:
    """The Western reading, unless chardetng picks another single-byte code page that
    reads some bytes as other letters and leaves no misread marks (cp1254's "şirket" is
    cp1252's "þirket"). Then the choice is noted: that reading when at least
    :data:`_RIVAL_EVIDENCE` characters differ, else still the Western one (one "ï" in a
    Dutch text is no evidence for cp1257's "ļ"). Western pages read some letters alike
    (é, ü, ö): text that uses only those has no rival."""
    rival = _chardetng_reading(data)
    if (
        rival is None
        or len(rival[0]) != len(data)  # not a single-byte code page
        or rival[0] == western
        or _misread_marks(rival[0][:_SAMPLE])
    ):
        return Decoded(*_checked(western, encoding))
    text, rival_encoding = rival
    differ = bytes(b for b in range(0x80, 0x100) if _byte(b, encoding) != _byte(b, rival_encoding))
    count = len(data) - len(data.translate(None, differ))
    first = re.search(b"[" + re.escape(differ) + b"]", data)
    at = first.start() if first else 0
    several = f"{count} character{'s' if count != 1 else ''}"
    if count >= _RIVAL_EVIDENCE:
        note = (
            f"the text is not UTF-8 and is valid in more than one code page: read as "
            f"{rival_encoding}, whose letters fit it best; {encoding} reads {several} "
            f"differently ({western[at]} for {text[at]})"
        )
        return Decoded(*_checked(text, rival_encoding), note=note, other=encoding)
    note = (
        f"the text is not UTF-8 and is valid in more than one code page: read as "
        f"{encoding}; {rival_encoding} reads {several} differently ({text[at]} for "
        f"{western[at]}) and may fit it better"
    )
    return Decoded(*_checked(western, encoding), note=note, other=rival_encoding)


def _byte(value: int, encoding: str) -> str:
    return bytes([value]).decode(encoding, errors="replace")


def _chardetng_reading(data: bytes) -> tuple[str, str] | None:
    """chardetng's guess among legacy encodings, as ``(text, Python codec name)``, when
    Python knows it and it decodes the bytes."""
    # Imported here for start-up time only: most files are UTF-8.
    from chardetng_py.detector import EncodingDetector

    detector = EncodingDetector()
    detector.feed(data[:_SAMPLE], last=len(data) <= _SAMPLE)
    try:
        name = codecs.lookup(detector.guess(tld=None, allow_utf8=False)).name
        text = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None
    return text, name


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Reject decoded text full of control characters or replacement marks."""
    if text and len(_BAD_CHARS.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise BinaryError(encoding)
    return text, encoding

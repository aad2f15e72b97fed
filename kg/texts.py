"""Article texts: read exactly as stored, and refused when their offsets could be ambiguous.

A quote's offsets count code points in the decoded file, and the file's sha256 is recorded with
the build, so the text is taken byte for byte: it must be UTF-8 without a byte-order mark, with
LF line ends, in Unicode NFC. Anything else is refused with a message saying how to convert it
(nothing is normalised silently, so the offsets always point into the file whose hash is recorded).
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from pathlib import Path

from kg.errors import InputError


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _first_non_nfc(text: str) -> tuple[int, int] | None:
    """Return the line and column (1-based) of the first text not in NFC, or ``None``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if unicodedata.is_normalized("NFC", line):
            continue
        fixed = unicodedata.normalize("NFC", line)
        column = next((i for i, (a, b) in enumerate(zip(line, fixed)) if a != b), min(len(line), len(fixed)))
        return number, column + 1
    return None


def read_article_text(path: Path) -> tuple[str, str]:
    """Read an article text and return it with the sha256 (hex) of the file's bytes.

    :raises InputError: naming the file and line when the text is not UTF-8, starts with a
        byte-order mark, has CR or CRLF line ends, or is not in Unicode NFC
    :raises OSError: when the file cannot be read
    """
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(codecs.BOM_UTF8):
        raise InputError("the text starts with a byte-order mark (BOM): save it as UTF-8 without a BOM "
                         "(for example `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`); quote offsets count from the first "
                         "character of the file", path, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"the text is not valid UTF-8 (byte {exc.start}: {exc.reason}): save it as UTF-8",
                         path, line) from exc
    carriage_return = text.find("\r")
    if carriage_return >= 0:
        raise InputError("the text has CR or CRLF line ends: convert them to LF (for example `dos2unix FILE` "
                         "or `sed -i 's/\\r$//' FILE`) so that quote offsets mean the same in every tool",
                         path, _line_of(text, carriage_return))
    where = _first_non_nfc(text)
    if where is not None:
        raise InputError(f"column {where[1]}: the text is not in Unicode NFC (a letter and a combining mark "
                         "where one precomposed character exists): normalise the file to NFC (for example "
                         "`uconv -x any-nfc` or Python's unicodedata.normalize('NFC', …))", path, where[0])
    return text, digest

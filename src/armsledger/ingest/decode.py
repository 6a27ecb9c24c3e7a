"""Turning a file's bytes into text, or into a clear reason why not."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class DecodeProblem(ValueError):
    """The bytes are not text armsledger can read; the message says why."""


# Below this many bytes a guessed encoding is a coin toss, so plain text stays strictly UTF-8.
_CONFIDENT_MIN_BYTES = 256
_CONFIDENT_MAX_CHAOS = 0.05
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 text (with or without a byte-order mark), refusing binary files.

    Text that is not UTF-8 is still read when a detector is confident of its encoding.
    """
    if not data.strip():
        raise DecodeProblem("empty file: expected text")
    if b"\x00" in data[:8192]:
        raise DecodeProblem("binary file (contains NUL bytes): expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guessed = _confident_guess(data)
        if guessed is None:
            raise DecodeProblem(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "convert the file to UTF-8"
            ) from None
        text = guessed
    # Normalise line ends so offsets mean the same on every platform.
    return _normalise(text)


def decode_markup(data: bytes, declared: str | None = None) -> str:
    """Decode a web page, feed or table: by byte-order mark, UTF-8, the declared charset, or detection."""
    if not data.strip():
        raise DecodeProblem("empty file: expected text")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise(data.decode(encoding, errors="replace"))
    if b"\x00" in data[:8192]:
        raise DecodeProblem("binary file (contains NUL bytes): expected text")
    # UTF-8 first: pages often declare latin-1 while serving UTF-8, never the other way round.
    for encoding in ("utf-8", declared or declared_charset(data)):
        if encoding:
            try:
                return _normalise(data.decode(encoding))
            except (UnicodeDecodeError, LookupError):
                continue
    best = from_bytes(data).best()
    if best is None:
        raise DecodeProblem("not text in any known encoding")
    return _normalise(str(best))


def declared_charset(data: bytes) -> str | None:
    """The charset a page or feed declares for itself in its first few kilobytes, if any."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def detect_encoding(sample: bytes) -> str:
    """The encoding of a stream judged from its first bytes, for files read line by line."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample).best()
    if best is None:
        raise DecodeProblem("not text in any known encoding")
    return best.encoding


def _confident_guess(data: bytes) -> str | None:
    if len(data) < _CONFIDENT_MIN_BYTES:
        return None
    best = from_bytes(data).best()
    if best is None or best.chaos > _CONFIDENT_MAX_CHAOS:
        return None
    return str(best)


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")

"""Turning a file's bytes into text, or into a clear reason why not."""

from __future__ import annotations


class DecodeProblem(ValueError):
    """The bytes are not text armsledger can read; the message says why."""


def decode_text(data: bytes) -> str:
    """Decode UTF-8 text (with or without a byte-order mark), refusing binary files."""
    if not data.strip():
        raise DecodeProblem("empty file: expected text")
    if b"\x00" in data[:8192]:
        raise DecodeProblem("binary file (contains NUL bytes): expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeProblem(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert the file to UTF-8"
        ) from None
    # Normalise line ends so offsets mean the same on every platform.
    return text.replace("\r\n", "\n").replace("\r", "\n")

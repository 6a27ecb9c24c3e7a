"""Checks on text that arrives from outside: lengths, NUL bytes and lone surrogates, refused with a message.

Python strings may hold what UTF-8 cannot: a JSON body may spell a lone surrogate ("\\ud800"),
and a form or URL a NUL byte. Either would only fail deep inside (the database driver, the file
system) as an unexpected error; here they become a 400 that names the input.
"""

from __future__ import annotations

import re
from typing import Any

from armsledger.errors import InputError

# The reason kept with an edit; longer text is a paste gone wrong, not a reason.
MAX_REASON = 2000
# Row keys, claim keys, field names and other identifiers an editor sends.
MAX_KEY = 500
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def bad_characters(text: str) -> str | None:
    """What makes the text unusable ('a NUL byte', 'a lone surrogate ...'), or None when it is fine."""
    if "\x00" in text:
        return "a NUL byte"
    found = _SURROGATE.search(text)
    if found:
        return f"a lone surrogate (U+{ord(found[0]):04X}), which is not a character"
    return None


def check_text(value: str, name: str, limit: int | None = None) -> str:
    """The text unchanged, or InputError naming the input when it is too long or holds a bad character."""
    problem = bad_characters(value)
    if problem:
        raise InputError(f"{name}: the text holds {problem}; send plain UTF-8 text")
    if limit is not None and len(value) > limit:
        raise InputError(f"{name}: {len(value):,} characters; at most {limit:,}")
    return value


def check_json(value: Any, name: str) -> Any:
    """A JSON value with every string in it checked (keys too)."""
    if isinstance(value, str):
        return check_text(value, name)
    if isinstance(value, list):
        return [check_json(v, name) for v in value]
    if isinstance(value, dict):
        return {check_text(str(k), name): check_json(v, name) for k, v in value.items()}
    return value


def whole_number(raw: str, name: str, low: int, high: int) -> int:
    """A whole number typed in ASCII digits within [low, high]; InputError naming the input otherwise."""
    text = raw.strip()
    # isdecimal alone lets '²' or a 5,000-digit number through to int(), which refuses both.
    if not (text.isascii() and text.isdecimal() and len(text) <= 18 and low <= int(text) <= high):
        raise InputError(f"{name} {text[:40]!r}: expected a whole number from {low} to {high}")
    return int(text)

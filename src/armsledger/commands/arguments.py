"""Argument types the commands share, so a bad value gets the same plain message everywhere."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def at_least_one(what: str) -> Callable[[str], int]:
    """An argparse type: a whole number of ``what`` of at least 1 ("findings", "workers")."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number of {what}, got {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected 1 or more {what}, got {value}")
        return value

    return parse

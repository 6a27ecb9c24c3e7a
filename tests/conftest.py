"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder beside the repository: corpus, gold files and the reference scorer."""
    return Path(os.environ.get("ARMSLEDGER_SHARED", Path(__file__).resolve().parents[2] / "shared"))

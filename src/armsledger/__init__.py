"""armsledger: arms-transfer claims from news, reconciled into a register with sources."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from armsledger.api import Ledger

__version__ = "0.1.0"


def open(db: str | os.PathLike[str] | None = None) -> Ledger:
    """Open a store for reading as DataFrames: ``armsledger.open("armsledger.db").register()``."""
    # Imported here so `import armsledger` stays light (no SQLAlchemy, no pandas).
    from armsledger.api import open_ledger

    return open_ledger(db)

"""armsledger: arms-transfer claims from news, reconciled into a register with sources."""

__version__ = "0.1.0"

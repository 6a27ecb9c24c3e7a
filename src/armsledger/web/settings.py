"""The web app's settings, read from the environment once at start-up.

ARMSLEDGER_DB           the store (a SQLite file or a database URL); `serve --db` wins
ARMSLEDGER_PUBLIC_READ  1 (default): anyone may read; 0: reading needs a signed-in viewer
ARMSLEDGER_SECRET       the key that signs session cookies; default: a random key kept in
                        DATA_DIR/web-secret, made on first start
ARMSLEDGER_DATA_DIR     where the secret and uploaded files go; default: the SQLite file's folder
ARMSLEDGER_SECURE_COOKIES  1: cookies only over HTTPS (set it behind a TLS proxy)
ARMSLEDGER_MAX_UPLOAD_MB   the most one upload request may carry (default 20)
ARMSLEDGER_MAX_UNPACKED_MB the most one gzipped upload may unpack to (default 200)
ARMSLEDGER_INGEST_ROOTS    folders (separated by ':') whose files editors may ingest by path;
                           default: the folder the server was started in
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from armsledger.errors import InputError
from armsledger.store.engine import resolve_url

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A yes/no setting; an error names the variable when the value is neither."""
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{name}={raw!r}: expected 1 or 0")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the web app reads from outside."""

    db: str | None = None
    public_read: bool = True
    secret: str | None = None
    data_dir: Path = field(default_factory=Path.cwd)
    secure_cookies: bool = False
    max_upload_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    ingest_roots: tuple[Path, ...] = ()
    # Documents per transaction for builds started from the browser: small, so progress moves.
    build_batch: int = 50


def default_data_dir(db: str | None) -> Path:
    """The SQLite file's folder, else ~/.local/share/armsledger for a database server."""
    url = resolve_url(db)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        return Path(url.database).parent
    return Path.home() / ".local" / "share" / "armsledger"


def _megabytes(env: Mapping[str, str], name: str, default: str) -> float:
    raw = env.get(name, default)
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r}: expected a number of megabytes") from None
    if not value > 0 or value == float("inf"):
        raise InputError(f"{name}={raw!r}: must be more than 0")
    return value


def load_settings(db: str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (and --db), checked."""
    env = os.environ if env is None else env
    db = db or env.get("ARMSLEDGER_DB") or None
    megabytes = _megabytes(env, "ARMSLEDGER_MAX_UPLOAD_MB", "20")
    unpacked = _megabytes(env, "ARMSLEDGER_MAX_UNPACKED_MB", "200")
    data_dir = Path(env["ARMSLEDGER_DATA_DIR"]).expanduser() if env.get("ARMSLEDGER_DATA_DIR") else None
    roots = tuple(
        Path(p).expanduser().resolve() for p in env.get("ARMSLEDGER_INGEST_ROOTS", "").split(os.pathsep) if p
    )
    return Settings(
        db=db,
        public_read=flag(env, "ARMSLEDGER_PUBLIC_READ", True),
        secret=env.get("ARMSLEDGER_SECRET") or None,
        data_dir=data_dir or default_data_dir(db),
        secure_cookies=flag(env, "ARMSLEDGER_SECURE_COOKIES", False),
        max_upload_bytes=int(megabytes * 1024 * 1024),
        max_unpacked_bytes=int(unpacked * 1024 * 1024),
        ingest_roots=roots or (Path.cwd().resolve(),),
    )

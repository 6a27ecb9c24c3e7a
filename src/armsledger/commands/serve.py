"""`armsledger serve`: the web app (register, rows, documents, analysis, curation, API) over a store."""

from __future__ import annotations

import argparse

from armsledger.commands.build import add_db_option
from armsledger.errors import InputError

# Seconds a server process may take to answer its supervisor's health check.
WORKER_HEALTHCHECK = 60


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "serve",
        help="serve the web app over the store",
        description="Serve the register, rows with their sources, documents, states, analysis pages, "
        "curation for editors and the JSON API under /api. Settings come from ARMSLEDGER_* variables "
        "(see docs/web.md); accounts are made with `armsledger user add`.",
    )
    add_db_option(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers", type=int, default=1, metavar="N", help="server processes (default 1; about one per core)"
    )
    p.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the store (creating or migrating it), then serve until interrupted."""
    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: expected a port from 1 to 65535")
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    import os

    import uvicorn

    from armsledger.store import open_store
    from armsledger.web.settings import load_settings

    settings = load_settings(args.db)
    # Check the store and settings here, so a mistake is one line rather than a traceback per worker.
    open_store(settings.db).close()
    if settings.db:
        os.environ["ARMSLEDGER_DB"] = settings.db
    print(
        f"armsledger: serving {settings.db or 'armsledger.db'} on http://{args.host}:{args.port}/ "
        f"(reading {'open to all' if settings.public_read else 'for signed-in viewers'})"
    )
    uvicorn.run(
        "armsledger.web.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        proxy_headers=True,
        # The supervisor kills a worker that misses a 5 s health check; one reading a large store
        # (15 s for 100,000 claims on a busy machine) must not be taken for hung.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK,
    )
    return 0

"""`armsledger edit` and `armsledger edits`: record, carry and list analysts' decisions.

armsledger edit ROW --set number_ordered=24 [--expect 12] --why "..." --who NAME
armsledger edit ROW|CLAIM --accept | --reject --why "..."
armsledger edit merge ROW1 ROW2          (ROW2's claims join ROW1)
armsledger edit split ROW --claims ID,ID (those claims become a row of their own)
armsledger edit export FILE | import FILE
armsledger edits                         (every edit, applied or orphaned)
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from armsledger.commands.build import add_db_option
from armsledger.curation import UNSET, Edit, new_edit, parse_value
from armsledger.errors import InputError
from armsledger.render import text_table

if TYPE_CHECKING:
    from armsledger.store import Store

SUBCOMMANDS = ("merge", "split", "export", "import", "list")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `edit` and `edits`."""
    p = sub.add_parser(
        "edit",
        help="record an analyst's decision on a row or a claim",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Edits are stored apart from machine output and applied on top of it after "
        "every build; a rebuild never loses one.\n\n" + (__doc__ or "").split("\n\n", 1)[1],
    )
    p.add_argument(
        "words",
        nargs="+",
        metavar="TARGET",
        help="a row key or claim key, or: merge ROW1 ROW2 | split ROW | export FILE | import FILE | list",
    )
    action = p.add_mutually_exclusive_group()
    action.add_argument("--set", action="append", metavar="FIELD=VALUE", help="correct a field of a row")
    action.add_argument("--accept", action="store_true", help="confirm the row or claim")
    action.add_argument("--reject", action="store_true", help="reject the row or claim")
    p.add_argument(
        "--expect",
        metavar="OLD",
        help="with --set: the value you saw; a different current value is a conflict and nothing is recorded",
    )
    p.add_argument("--claims", metavar="ID,ID", help="with split: the claims that leave the row")
    p.add_argument("--who", default=None, help="who decides (default: $ARMSLEDGER_WHO, else your login name)")
    p.add_argument("--why", default="", help="the reason, in words")
    add_db_option(p)
    p.set_defaults(run=run)

    q = sub.add_parser("edits", help="list analysts' edits and whether each still applies")
    add_db_option(q)
    q.add_argument("--format", choices=("table", "jsonl"), default="table")
    q.set_defaults(run=run_list)


def _who(args: argparse.Namespace) -> str:
    if args.who:
        return str(args.who)
    return os.environ.get("ARMSLEDGER_WHO") or getpass.getuser()


def run(args: argparse.Namespace) -> int:
    """Dispatch on the first word: a subcommand or a target key."""
    head, rest = args.words[0], args.words[1:]
    if head == "list":
        return run_list(argparse.Namespace(db=args.db, format="table"))
    if head == "export":
        return _export(args, rest)
    if head == "import":
        return _import(args, rest)
    from armsledger.store import open_store
    from armsledger.store.ledger import record_edit

    store = open_store(args.db, create=False)
    try:
        if head == "merge":
            if len(rest) != 2:
                raise InputError("usage: armsledger edit merge ROW1 ROW2 --why TEXT")
            edit = record_edit(
                store, new_edit("row", rest[0], "merge", _who(args), args.why, new_value=rest[1])
            )
            print(f"recorded {edit.uid[:8]}: {rest[1]} merged into {rest[0]}")
            return 0
        if head == "split":
            if len(rest) != 1 or not args.claims:
                raise InputError("usage: armsledger edit split ROW --claims ID,ID --why TEXT")
            claims = sorted({c.strip() for c in args.claims.split(",") if c.strip()})
            edit = record_edit(
                store, new_edit("row", rest[0], "split", _who(args), args.why, new_value=claims)
            )
            print(f"recorded {edit.uid[:8]}: {len(claims)} claim(s) split from {rest[0]}")
            return 0
        if rest:
            raise InputError(f"one target at a time; got {' '.join(args.words)}")
        return _decide(store, args, head)
    finally:
        store.close()


def _decide(store: Store, args: argparse.Namespace, target: str) -> int:
    from armsledger.store.ledger import record_edit

    kind = "row" if "/" in target else "claim"
    if args.set:
        if kind != "row":
            raise InputError(f"{target}: --set corrects a row field; claims take --accept or --reject")
        if args.expect is not None and len(args.set) != 1:
            raise InputError("--expect goes with a single --set")
        for assignment in args.set:
            name, sep, raw = assignment.partition("=")
            if not sep:
                raise InputError(f"--set {assignment!r}: expected FIELD=VALUE, e.g. number_ordered=24")
            name = name.strip()
            value = parse_value(name, raw)
            expected = UNSET if args.expect is None else parse_value(name, args.expect)
            edit = record_edit(
                store,
                new_edit("row", target, "correct", _who(args), args.why, field=name, new_value=value),
                expected=expected,
            )
            print(f"recorded {edit.uid[:8]}: {target} {name} {_show(edit.old_value)} -> {_show(value)}")
        return 0
    if args.accept or args.reject:
        action = "accept" if args.accept else "reject"
        edit = record_edit(store, new_edit(kind, target, action, _who(args), args.why))
        print(f"recorded {edit.uid[:8]}: {kind} {target} {action}ed")
        return 0
    raise InputError(f"{target}: say what to do: --set FIELD=VALUE, --accept or --reject")


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "none"
    return str(value)


def _export(args: argparse.Namespace, rest: list[str]) -> int:
    if len(rest) != 1:
        raise InputError("usage: armsledger edit export FILE (or - for standard output)")
    from armsledger.store import open_store
    from armsledger.store.ledger import edits_jsonl
    from armsledger.store.queries import load_edits

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            edits = load_edits(session)
    finally:
        store.close()
    body = edits_jsonl(edits)
    if rest[0] == "-":
        sys.stdout.write(body)
    else:
        try:
            Path(rest[0]).write_text(body, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{rest[0]}: cannot write ({err.strerror})") from None
        print(f"{len(edits)} edit(s) written to {rest[0]}")
    return 0


def _import(args: argparse.Namespace, rest: list[str]) -> int:
    if len(rest) != 1:
        raise InputError("usage: armsledger edit import FILE")
    path = Path(rest[0])
    try:
        body = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot be read ({getattr(err, 'strerror', None) or err})") from None
    from armsledger.store import open_store
    from armsledger.store.ledger import import_edits, parse_edits_jsonl
    from armsledger.store.queries import curated_register

    edits = parse_edits_jsonl(body, str(path))
    store = open_store(args.db)
    try:
        added, present = import_edits(store, edits)
        with store.reading() as session:
            orphaned = len(curated_register(session).orphaned)
    finally:
        store.close()
    print(f"{added} edit(s) imported, {present} already present; {orphaned} orphaned")
    return 0


def _listing(edits: list[Edit], outcomes: dict[str, tuple[str, str]]) -> str:
    body = []
    for e in edits:
        status, note = outcomes.get(e.uid, (e.status, e.note))
        what = (
            e.action if e.action != "correct" else f"{e.field}: {_show(e.old_value)} -> {_show(e.new_value)}"
        )
        if e.action in ("merge", "split"):
            what = f"{e.action} {_show(e.new_value)}"
        body.append([e.uid[:8], e.at[:19].replace("T", " "), e.who, e.target, what, status, note or e.why])
    return (
        text_table(
            ["edit", "when (UTC)", "who", "target", "what", "status", "note / why"],
            body,
            {3: 40, 4: 40, 6: 60},
        )
        + f"{len(edits)} edit(s)\n"
    )


def run_list(args: argparse.Namespace) -> int:
    """Print every edit with its current status."""
    from armsledger.store import open_store
    from armsledger.store.ledger import edits_jsonl
    from armsledger.store.queries import curated_register, load_edits

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            edits = load_edits(session)
            outcomes = curated_register(session).outcomes
    finally:
        store.close()
    if args.format == "jsonl":
        for e in edits:
            e.status, e.note = outcomes.get(e.uid, (e.status, e.note))
        sys.stdout.write(edits_jsonl(edits))
    else:
        sys.stdout.write(_listing(edits, outcomes))
    return 0

"""`armsledger user`: web accounts (add, passwd, role, list) and API tokens for scripts."""

from __future__ import annotations

import argparse
import getpass
import sys

from armsledger.commands.build import add_db_option
from armsledger.errors import InputError

ROLES = ("viewer", "editor", "admin")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `user add|passwd|role|list|token|revoke`."""
    p = sub.add_parser(
        "user",
        help="manage web accounts and API tokens",
        description="Accounts for `armsledger serve`: viewers read (when reading is closed), editors "
        "curate and ingest, admins also rebuild. Passwords are hashed with argon2.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="make an account (asks for its password)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    passwd = actions.add_parser("passwd", help="set a new password (signs the user out everywhere)")
    passwd.add_argument("name", metavar="NAME")
    role = actions.add_parser("role", help="change an account's role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=ROLES)
    for q in (add, passwd):
        q.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    actions.add_parser("list", help="list the accounts")
    token = actions.add_parser("token", help="mint an API token for NAME and print it (shown once)")
    token.add_argument("name", metavar="NAME")
    token.add_argument("--label", default="", help="what the token is for")
    revoke = actions.add_parser("revoke", help="revoke every API token of NAME")
    revoke.add_argument("name", metavar="NAME")
    for q in (add, passwd, role, token, revoke, actions.choices["list"]):
        add_db_option(q)
        q.set_defaults(run=run)


def read_password(from_stdin: bool) -> str:
    """The password from standard input (one line) or typed twice at a prompt."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input was empty; expected the password on one line")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the password; pipe it in with --password-stdin")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise InputError("the two passwords differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    """Carry out one account action."""
    from armsledger.store import open_store
    from armsledger.store.accounts import add_token, add_user, list_users, revoke_tokens, update_user
    from armsledger.web.auth import hash_password, new_token

    if args.action in ("add", "passwd"):
        password_hash = hash_password(read_password(args.password_stdin))
    store = open_store(args.db)
    try:
        if args.action == "add":
            user = add_user(store, args.name, args.role, password_hash)
            print(f"user {user.name} added ({user.role})")
        elif args.action == "passwd":
            update_user(store, args.name, password_hash=password_hash)
            print(f"password of {args.name} changed; their sessions are signed out")
        elif args.action == "role":
            user = update_user(store, args.name, role=args.role)
            print(f"{user.name} is now {'an' if user.role[0] in 'ae' else 'a'} {user.role}")
        elif args.action == "list":
            for user in list_users(store):
                print("\t".join([user.name, user.role, *(["disabled"] if user.disabled else [])]))
        elif args.action == "token":
            token, digest = new_token()
            add_token(store, args.name, digest, args.label)
            print(token)
            print(
                f"(an API token for {args.name}; it is shown only now: send it as 'Authorization: Bearer TOKEN')",
                file=sys.stderr,
            )
        elif args.action == "revoke":
            print(f"{revoke_tokens(store, args.name)} token(s) of {args.name} revoked")
    finally:
        store.close()
    return 0

"""The service's commands of the ``placement`` command line.

``placement serve``, ``placement agencies create|list``, ``placement keys create|revoke|list``
and ``placement audit verify``. They
use the database of ``PLACEMENT_DATABASE_URL`` (see :class:`api.settings.Settings`).
:func:`register` adds them to the main parser and :func:`run` executes them; ``python -m
api.cli`` offers the same commands on their own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from api.db.credentials import ROLES
from api.db.records import DEFAULT_AGENCY

if TYPE_CHECKING:
    from api.db.store import Store

COMMANDS: tuple[str, ...] = ("serve", "agencies", "keys", "audit")


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("must be a TCP port from 1 to 65535")
    return value


def register(subparsers: Any) -> None:
    """Add the ``serve``, ``agencies``, ``keys`` and ``audit`` commands to ``subparsers``."""
    serve = subparsers.add_parser(
        "serve",
        help="run the HTTP service",
        description="Run the HTTP service (configured by PLACEMENT_* environment variables, "
        "e.g. PLACEMENT_DATABASE_URL; SQLite in ./placement-data by default).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port (8000)")

    agencies = subparsers.add_parser("agencies", help="create and list agencies (tenants)")
    agencies_sub = agencies.add_subparsers(dest="agencies_command", required=True, metavar="ACTION")
    new_agency = agencies_sub.add_parser("create", help="create an agency")
    new_agency.add_argument("code", help="short code: lower-case letters, digits, hyphens")
    new_agency.add_argument("--name", default="", help="the agency's name")
    agencies_sub.add_parser("list", help="list agencies")

    keys = subparsers.add_parser("keys", help="create, revoke and list API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = keys_sub.add_parser(
        "create", help="create a key; it is printed once, alone on the last line"
    )
    create.add_argument("--role", choices=ROLES, required=True, help="viewer, planner or admin")
    create.add_argument("--name", default="", help="a note saying whose key it is")
    owner = create.add_mutually_exclusive_group()
    owner.add_argument(
        "--agency", default=DEFAULT_AGENCY, help=f"the key's agency ({DEFAULT_AGENCY})"
    )
    owner.add_argument(
        "--platform",
        action="store_true",
        help="a platform admin key (manages agencies and keys, sees no agency's data)",
    )
    revoke = keys_sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("id", help="the key's id (from 'placement keys list')")
    keys_sub.add_parser("list", help="list keys (never their secrets)")

    audit = subparsers.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="verify the hash chain; exit status 1 when broken")
    verify.add_argument("--agency", default=None, help="verify one agency's chain only")


def run(args: argparse.Namespace) -> int:
    """Execute a command added by :func:`register`; return the exit status."""
    from api.settings import Settings

    settings = Settings()
    if args.command == "serve":
        from api.serve import serve

        serve(args.host, args.port, settings)
        return 0
    from api.db.errors import StorageError
    from api.db.store import Store

    store = Store(settings.database_url)
    try:
        store.migrate()
        if args.command == "agencies":
            return _agencies(store, args)
        if args.command == "keys":
            return _keys(store, args)
        return _verify(store, args.agency)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _agencies(store: Store, args: argparse.Namespace) -> int:
    from api.core.problems import ApiError
    from api.db.errors import Conflict
    from api.services.keys import create_agency

    if args.agencies_command == "create":
        try:
            create_agency(store, code=args.code, name=args.name, actor="cli")
        except (ApiError, Conflict) as exc:
            print(f"error: {getattr(exc, 'detail', exc)}", file=sys.stderr)
            return 2
        print(f"created agency {args.code}")
        return 0
    for agency in store.agencies.all():
        print(f"{agency.code}\t{agency.name}")
    return 0


def _keys(store: Store, args: argparse.Namespace) -> int:
    from api.core.problems import ApiError
    from api.db.errors import NotFound
    from api.services.keys import create_key, revoke_key

    if args.keys_command == "create":
        agency = None if args.platform else args.agency
        try:
            record, secret = create_key(
                store, role=args.role, name=args.name, actor="cli", agency=agency
            )
        except (ApiError, NotFound) as exc:
            print(f"error: {getattr(exc, 'detail', exc)}", file=sys.stderr)
            return 2
        owner = "platform" if record.agency is None else f"agency {record.agency}"
        print(f"created {record.role} key {record.id} ({owner}); it is shown once, keep it safe:")
        print(secret)
        return 0
    if args.keys_command == "revoke":
        if not revoke_key(store, args.id, actor="cli"):
            print(f"no active key {args.id!r}", file=sys.stderr)
            return 1
        print(f"revoked key {args.id}")
        return 0
    for key in store.keys.all():
        revoked = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        owner = key.agency if key.agency is not None else "(platform)"
        print(f"{key.id}\t{owner}\t{key.role}\t{revoked}\t{key.name}")
    return 0


def _verify(store: Store, agency: str | None) -> int:
    result = store.audit.verify(agency=agency)
    if result.ok:
        scope = f" of agency {agency}" if agency is not None else ""
        print(f"OK: {result.checked} audit record(s){scope} verified")
        return 0
    print(
        f"BROKEN: the audit chain fails at record {result.first_bad_seq} "
        f"({result.checked} checked)",
        file=sys.stderr,
    )
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the service's commands on their own (``python -m api.cli``)."""
    import logging

    parser = argparse.ArgumentParser(prog="python -m api.cli", description=__doc__)
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

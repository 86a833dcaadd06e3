"""The ``placement`` command line.

Exit codes: 0 a plan was found (OPTIMAL or FEASIBLE) or a check passed; 1 the checker found
violations, or an unexpected engine error; 2 a user error: the dataset, policy or plan file was
refused (every problem is printed, nothing is written), a bad option value, an unknown employee
or position, a folder that is not a run directory or a run without a plan; 3 the rules are
INFEASIBLE; 4 the time limit ran out before any plan was found (TIMEOUT_NO_SOLUTION).

Language: every command speaks Indonesian unless ``--lang en`` (or ``PLACEMENT_LANG=en`` in the
environment) asks for English; the whole command, the library's messages included, renders in
that locale. Machine forms (``--json``, CSV, summary.json) never change with it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from placement.cli import (
    bench,
    check,
    compare,
    demo,
    diagnose,
    evaluate,
    explain,
    fairness,
    replay,
    report,
    sample,
    scenario,
    service,
    solve,
    solve_many,
    sweep,
)
from placement.cli.exits import EXIT_ERROR, EXIT_INPUT, UsageError, print_refusal
from placement.cli.language import (
    CommandParser,
    RawHelpFormatter,
    add_language_option,
    requested_locale,
)
from placement.engine import engine_version
from placement.errors import DatasetError, PlacementError, PlanFormatError
from placement.i18n import t, use_locale

#: Every command → the module that adds it to the parser (``register(subparsers)``) and runs it
#: (``run(args) -> exit status``), in the order ``placement --help`` lists them. The service's
#: commands share one module: they are registered together, by the service.
COMMANDS: dict[str, ModuleType] = {
    "solve": solve,
    "check": check,
    "sample": sample,
    "demo": demo,
    "replay": replay,
    "explain": explain,
    "fairness": fairness,
    "report": report,
    "diagnose": diagnose,
    "scenario": scenario,
    "sweep": sweep,
    "solve-many": solve_many,
    "compare": compare,
    "evaluate": evaluate,
    "bench": bench,
    "serve": service,
    "keys": service,
    "audit": service,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command, its help in the current locale."""
    parser = CommandParser(
        prog="placement",
        description=t("cli.main.description"),
        epilog=t("cli.main.epilog"),
        formatter_class=RawHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=t("cli.main.verbose"))
    parser.add_argument(
        "--version", action="version", version=engine_version(), help=t("cli.main.version")
    )
    add_language_option(parser)
    sub = parser.add_subparsers(
        dest="command", required=True, metavar=t("cli.main.command_metavar")
    )
    for module in dict.fromkeys(COMMANDS.values()):
        module.register(sub)
    for command in sub.choices.values():
        # Accepted after the command's name too, where people put options.
        add_language_option(command, inherited=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    The locale (``--lang``, else ``PLACEMENT_LANG``, else Indonesian) is found before the
    arguments are parsed, so that the help and the parser's errors speak it too; an unknown
    language exits 2. The one place errors become exit statuses: a refused input prints every
    problem and exits 2, a user's mistake (:class:`~placement.cli.exits.UsageError`) prints one
    line and exits 2, any other engine error (and a file that cannot be read or written) prints
    one line and exits 1.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        locale = requested_locale(arguments, os.environ)
    except UsageError as err:
        print(err, file=sys.stderr)
        return EXIT_INPUT
    with use_locale(locale):
        args = build_parser().parse_args(arguments)
        with use_locale(args.lang):
            return _run(args)


def _run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        status: int = COMMANDS[args.command].run(args)
    except DatasetError as err:
        print_refusal(err)
        return EXIT_INPUT
    except PlanFormatError as err:
        print(t("cli.error.refused", message=str(err)), file=sys.stderr)
        return EXIT_INPUT
    except UsageError as err:
        print(t("cli.error.usage", message=str(err)), file=sys.stderr)
        return EXIT_INPUT
    except (PlacementError, OSError, ValueError) as err:
        print(t("cli.error.usage", message=str(err)), file=sys.stderr)
        return EXIT_ERROR
    return status


if __name__ == "__main__":
    sys.exit(main())

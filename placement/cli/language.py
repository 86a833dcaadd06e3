"""The language of the command line: ``--lang``, ``PLACEMENT_LANG`` and a parser that speaks it.

The locale must be known before the parser is built, since the help texts and the parser's
own errors are rendered from the catalog; so the arguments are read for ``--lang`` first, and
the parser then checks the option like any other.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from placement.cli.exits import EXIT_INPUT, UsageError
from placement.i18n import DEFAULT_LOCALE, LOCALES, current_locale, resolve_locale, t, use_locale

#: The environment variable that chooses the language when no ``--lang`` is given.
LANG_ENV = "PLACEMENT_LANG"
_OPTION = "--lang"
#: argparse's own error messages (Python 3.11+), each with the key that says it in the current
#: locale; the named groups are the message's fields. Tried in order, the first match wins.
_ARGPARSE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"argument (?P<argument>\S+): (?P<message>.*)", re.S), "cli.argparse.argument"),
    (re.compile(r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)"),
     "cli.argparse.invalid_choice"),
    (re.compile(r"invalid (?P<type>\S+) value: (?P<value>.*)"), "cli.argparse.invalid_value"),
    (re.compile(r"expected one argument"), "cli.argparse.expected_one"),
    (re.compile(r"expected at least one argument"), "cli.argparse.expected_some"),
    (re.compile(r"not allowed with argument (?P<other>.*)"), "cli.argparse.not_allowed_with"),
    (re.compile(r"the following arguments are required: (?P<names>.*)"),
     "cli.argparse.required"),
    (re.compile(r"one of the arguments (?P<names>.*) is required"), "cli.argparse.one_required"),
    (re.compile(r"unrecognized arguments: (?P<names>.*)"), "cli.argparse.unrecognized"),
)  # fmt: skip


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter with the usage line's prefix in the current locale."""

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        """Format the usage line, prefixed in the current locale unless a prefix is given."""
        super().add_usage(usage, actions, groups, t("cli.help.usage") if prefix is None else prefix)


class RawHelpFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """:class:`HelpFormatter` keeping the description's and epilog's own line breaks."""


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose help and errors speak the current locale.

    Sub-commands' parsers are of the same class (argparse makes them so), so every command
    gets the localised ``--help`` line, section titles and error line.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help.help")
        )

    def format_help(self) -> str:
        """The help text, argparse's two section titles in the current locale."""
        text = super().format_help()
        # argparse names its sections with its own English words; they are plain lines.
        for english, key in (
            ("positional arguments:", "cli.help.positionals"),
            ("options:", "cli.help.options"),
        ):
            text = text.replace(f"\n{english}\n", f"\n{t(key)}:\n")
        return text

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error in the current locale; exit 2 (a user's mistake)."""
        self.print_usage(sys.stderr)
        text = localise_argparse_error(message)
        self.exit(EXIT_INPUT, t("cli.error.argument", prog=self.prog, message=text) + "\n")


def localise_argparse_error(message: str) -> str:
    """One of argparse's English error messages in the current locale (an unknown one as is).

    argparse words its errors itself; they are recognised by their form and said again from
    the catalog, the names and values they quote kept as they are.
    """
    for pattern, key in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found is not None:
            fields = found.groupdict()
            if "message" in fields:
                fields["message"] = localise_argparse_error(fields["message"])
            return t(key, **fields)
    return message


def add_language_option(parser: argparse.ArgumentParser, *, inherited: bool = False) -> None:
    """Add ``--lang {id,en}``; on a command's own parser (``inherited``) it keeps, when not
    given there, the value the main parser found."""
    parser.add_argument(
        _OPTION,
        choices=LOCALES,
        default=argparse.SUPPRESS if inherited else current_locale(),
        help=t("cli.option.lang", env=LANG_ENV, default=DEFAULT_LOCALE),
    )


def requested_locale(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The locale a command line asks for: the last ``--lang``, else ``PLACEMENT_LANG`` (which
    may be regional, ``en_US``), else the current one (Indonesian unless a caller of
    :func:`placement.cli.main` chose another).

    Raises
    ------
    UsageError
        For a language that does not exist; its message is the whole line to print, in the
        locale chosen otherwise.
    """
    fallback = current_locale()
    from_env = environ.get(LANG_ENV, "").strip()
    if from_env:
        try:
            fallback = resolve_locale(from_env)
        except ValueError:
            raise UsageError(_unknown(LANG_ENV, from_env)) from None
    given = _given(argv)
    if given is None:
        return fallback
    with use_locale(fallback):
        if given not in LOCALES:
            raise UsageError(_unknown(_OPTION, given))
    return given


def _unknown(source: str, value: str) -> str:
    message = t("cli.lang.unknown", source=source, value=value, choices=list(LOCALES))
    return t("cli.error.usage", message=message)


def _given(argv: Sequence[str]) -> str | None:
    """The value of the last ``--lang`` before a ``--`` (which ends the options)."""
    found: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == _OPTION and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(_OPTION + "="):
            found = arg.split("=", 1)[1]
    return found

"""Plain-text tables for the readable output of the commands (comparison, fairness)."""

from __future__ import annotations

from collections.abc import Sequence


def text_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of an aligned table: a header, a rule of dashes, then ``rows``.

    The first column is left-aligned (it names the row), the others right-aligned (they hold
    figures); columns are separated by two spaces.
    """
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*head), "  ".join("-" * w for w in widths)]
    out += [fmt.format(*r) for r in rows]
    return out

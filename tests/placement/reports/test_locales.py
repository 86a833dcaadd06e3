"""Every report in one language: Indonesian by default with Indonesian numbers, English on
request, no doubled "(English)" labels, and no text of the other language's catalog."""

from __future__ import annotations

import html
import io
import re
import string
from collections.abc import Callable

import openpyxl
import pandas as pd
import pytest

import placement
from placement.contract.dataset import Dataset
from placement.contract.policy import Policy
from placement.i18n import LOCALES, catalog, format_decimal, translate, use_locale
from placement.reports.decree import COLUMNS, decree_workbook
from placement.reports.evaluation import DIMENSION_LABELS, plain_reading, render_evaluation
from placement.reports.html import render_report
from placement.reports.kpis import KPI_LABELS, kpis
from placement.reports.sweep import sweep_html
from placement.reports.workbook import PLAN_COLUMNS, plan_workbook
from tests.placement.builders import example_dataset, example_policy
from tests.placement.reports.test_evaluation import evaluation

Run = tuple[Dataset, Policy, placement.Solution]
#: Literal pieces of a catalog text shorter than this are words both languages share ("JPM").
SHORTEST = 5
FORECAST = {
    "moves": 7,
    "training_listed": 3,
    "without_training": {"estimate": -0.051, "se": 0.02, "ci_low": -0.09, "ci_high": -0.012},
    "with_training": {"estimate": 0.02, "se": 0.02, "ci_low": -0.019, "ci_high": 0.059},
}
EVALUATION_FORECAST = {
    **FORECAST,
    "training_change": {"estimate": 0.07, "se": 0.01, "ci_low": 0.05, "ci_high": 0.09},
    "worst": [],
    "warnings": [],
}


def sweep_table() -> pd.DataFrame:
    """Two points of a sweep, one without a plan."""
    return pd.DataFrame(
        {
            "point": [1, 2],
            "label": ["max_moves=1", "max_moves=2"],
            "max_moves": [1, 2],
            "objective": [10, None],
            "status": ["OPTIMAL", "INFEASIBLE"],
            "moves": [1, None],
            "mean_jpm_after": [80.5, None],
            "preferences_met": [1, None],
            "pareto": [True, False],
            "error": [None, "INFEASIBLE"],
        },
        dtype=object,
    )


@pytest.fixture(scope="module")
def example() -> Run:
    dataset, policy = example_dataset(), example_policy()
    return dataset, policy, placement.solve(dataset, policy)


def _pieces(text: str) -> list[str]:
    """The literal pieces of a catalog text between its fields."""
    return [literal for literal, *_ in string.Formatter().parse(text) if literal]


def _foreign(page_locale: str) -> set[str]:
    """Pieces of the other locale's report texts that no text of ``page_locale`` contains: a
    page in ``page_locale`` holding one shows an untranslated or doubled label."""
    own = catalog(page_locale)
    other = catalog(next(locale for locale in LOCALES if locale != page_locale))
    every_own_text = "\n".join(own.values())
    pieces = set()
    for key, text in other.items():
        if not key.startswith("report.") or text == own[key]:
            continue
        for piece in _pieces(text):
            piece = piece.strip(" .,:;()")
            if len(piece) >= SHORTEST and piece not in every_own_text:
                pieces.add(piece)
    return pieces


def _word(piece: str) -> re.Pattern[str]:
    """``piece`` as whole words: a policy key such as force_rotation is not the word rotation."""
    return re.compile(rf"(?<!\w){re.escape(piece)}(?!\w)")


def _workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value]
    return "\n".join([*book.sheetnames, *cells])


def _renderings(run: Run) -> dict[str, Callable[[], str]]:
    dataset, policy, solution = run
    assert solution.plan is not None
    plan = solution.plan
    return {
        "report": lambda: html.unescape(
            render_report(dataset, policy, solution, forecast=FORECAST)
        ),
        "evaluation": lambda: html.unescape(render_evaluation(evaluation(), EVALUATION_FORECAST)),
        "sweep": lambda: html.unescape(sweep_html(sweep_table(), settings=["max_moves"], title="")),
        "decree": lambda: _workbook_text(decree_workbook(dataset, solution)),
        "workbook": lambda: _workbook_text(plan_workbook(dataset, plan)),
    }


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("report", ["report", "evaluation", "sweep", "decree", "workbook"])
def test_a_report_holds_no_text_of_the_other_languages_catalog(
    example: Run, report: str, locale: str
) -> None:
    with use_locale(locale):
        text = _renderings(example)[report]()
    foreign = sorted(piece for piece in _foreign(locale) if _word(piece).search(text))
    assert foreign == [], (report, locale)


def test_the_check_above_finds_a_doubled_label() -> None:
    """The check is not vacuous: the old bilingual labels are caught on both pages."""
    assert "Summary" in _foreign("id") and "Ringkasan" in _foreign("en")
    assert "Training needs" in _foreign("id") and "Kebutuhan Pelatihan" in _foreign("en")


def test_the_html_report_is_indonesian_by_default_with_indonesian_numbers(example: Run) -> None:
    text = render_report(*example)
    assert '<html lang="id">' in text
    assert "<h2>Ringkasan</h2>" in text and "<h2>Indikator Utama</h2>" in text
    mean = kpis(example[2]).mean_jpm_after
    assert mean is not None and mean % 1 != 0
    assert f'<td>Rata-rata JPM sesudah, %</td><td class="n">{format_decimal(mean)}</td>' in text
    assert re.search(r"\d,\d\d<", text) and "287.692" in text


def test_the_html_report_is_english_on_request_with_english_numbers(example: Run) -> None:
    with use_locale("en"):
        text = render_report(*example)
    assert '<html lang="en">' in text
    assert "<h2>Summary</h2>" in text and "<h2>Key figures</h2>" in text
    mean = kpis(example[2]).mean_jpm_after
    assert mean is not None
    assert f'<td>Mean JPM after, %</td><td class="n">{format_decimal(mean, 2, "en")}</td>' in text
    assert "287,692" in text and "Ringkasan" not in text


def test_no_label_is_doubled_with_its_english_in_parentheses(example: Run) -> None:
    text = render_report(*example, forecast=FORECAST)
    doubled = re.findall(r"\((?:[A-Za-z]+ ){0,4}[a-z]+[a-z ]*\)", html.unescape(text))
    english = {"(yes)", "(no)", "(summary)", "(moves)", "(before)", "(after)", "(total)",
               "(of)", "(rows)", "(name)", "(reason)", "(objective)", "(new placements)",
               "(unplaced)"}  # fmt: skip
    assert not english & set(doubled), doubled
    assert "Ringkasan (Summary)" not in text and "(key figure)" not in text


def test_the_evaluation_page_is_in_one_language() -> None:
    page = render_evaluation(evaluation())
    assert '<html lang="id">' in page and '<span class="en"' not in page
    assert "Bacaan singkat" in page and "Plain reading" not in page
    with use_locale("en"):
        english = render_evaluation(evaluation())
    assert '<html lang="en">' in english and "Plain reading" in english
    assert "Bacaan singkat" not in english and "lowered the SKP rating by 0.40 points" in english


def test_the_workbooks_speak_the_locale_and_keep_numbers_and_nips(example: Run) -> None:
    dataset, _, solution = example
    assert solution.plan is not None
    with use_locale("en"):
        book = openpyxl.load_workbook(io.BytesIO(plan_workbook(dataset, solution.plan)))
    sheet = book["Placement plan"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["NIP", "Name", "Current position"] and header[6] == "Moves"
    row = next(r for r in sheet.iter_rows(min_row=2) if r[6].value == "Yes")
    assert row[0].data_type == "s" and len(row[0].value) == 18
    assert row[7].data_type == "n" and row[8].data_type == "n"
    with use_locale("en"):
        decree = openpyxl.load_workbook(io.BytesIO(decree_workbook(dataset, solution)))
    texts = {str(c.value) for ws in decree for r in ws.iter_rows() for c in r if c.value}
    assert "ATTACHMENT TO" in texts and "Remarks" in texts and "LAMPIRAN" not in texts


def test_every_key_in_a_report_table_is_in_every_catalog() -> None:
    keys = [*KPI_LABELS.values(), *DIMENSION_LABELS.values(),
            *(key for key, _ in COLUMNS), *(key for key, _ in PLAN_COLUMNS)]  # fmt: skip
    for locale in LOCALES:
        texts = catalog(locale)
        assert [key for key in keys if key not in texts] == [], locale


def test_the_sweep_page_speaks_the_locale() -> None:
    page = sweep_html(sweep_table(), settings=["max_moves"], title="t")
    assert '<html lang="id">' in page and "1 titik tanpa rencana" in page and "80,50" in page


@pytest.mark.parametrize("locale", LOCALES)
def test_a_pre_move_trend_warned_in_either_language_is_read_as_a_caution(locale: str) -> None:
    warning = translate("analysis.evaluation.pretrend", locale, p="0.001")
    reading = plain_reading({**evaluation(), "warnings": [warning]})
    assert any(indonesian.startswith("Perhatian") for indonesian, _ in reading)
    assert any(english.startswith("Caution") for _, english in reading)

"""Refusals read in the reader's language: where each problem is, and how many there are."""

from __future__ import annotations

from placement.errors import MAX_MESSAGE, DatasetError, Problem
from placement.i18n import use_locale


def test_a_problem_says_where_it_is_in_the_current_language() -> None:
    cases = [
        (Problem("employees", 3, "nip", "empty"), "employees, row 3, column nip: empty",
         "employees, baris 3, kolom nip: empty"),
        (Problem("employees", 1200, None, "x"), "employees, row 1200: x",
         "employees, baris 1200: x"),
        (Problem("policy", None, "jpm_floor", "x"), "policy, column jpm_floor: x",
         "policy, kolom jpm_floor: x"),
        (Problem("units", None, None, "x"), "units: x", "units: x"),
    ]  # fmt: skip
    for problem, english, indonesian in cases:
        assert str(problem) == indonesian
        with use_locale("en"):
            assert str(problem) == english


def test_a_refusal_counts_its_problems_and_shows_the_first_three() -> None:
    problems = [Problem("employees", i, "nip", f"bad {i}") for i in range(5, 0, -1)]
    with use_locale("en"):
        assert (
            str(DatasetError(problems[:1]))
            == "1 problem in the input: employees, row 5, column nip: bad 5"
        )
        assert str(DatasetError(problems[:2])).startswith(
            "2 problems in the input: employees, row 4"
        )
        many = str(DatasetError(problems))
    assert many.endswith("employees, row 3, column nip: bad 3 (and 2 more)")
    assert many.startswith("5 problems in the input: employees, row 1, column nip: bad 1; ")
    assert str(DatasetError(problems)) == (
        "5 masalah pada data masukan: employees, baris 1, kolom nip: bad 1; employees, baris 2, "
        "kolom nip: bad 2; employees, baris 3, kolom nip: bad 3 (dan 2 lainnya)"
    )


def test_a_long_message_is_cut_and_says_how_much_was_left_out() -> None:
    text = "x" * (MAX_MESSAGE + 1234)
    [cut] = DatasetError([Problem("employees", 1, "name", text)]).problems
    assert cut.message == "x" * MAX_MESSAGE + "… (1.234 karakter lagi)"
    with use_locale("en"):
        [cut] = DatasetError([Problem("employees", 1, "name", text)]).problems
    assert cut.message == "x" * MAX_MESSAGE + "… (1234 more characters)"

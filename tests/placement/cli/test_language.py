"""The command line's language: Indonesian by default, English with ``--lang en`` or
``PLACEMENT_LANG``, an unknown language refused with exit 2, machine output unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from placement.cli import COMMANDS, main
from placement.cli.exits import EXIT_INFEASIBLE, EXIT_INPUT, EXIT_OK
from placement.cli.language import LANG_ENV, localise_argparse_error
from placement.i18n import LOCALES, use_locale
from tests.paths import EXAMPLE

POLICY = EXAMPLE / "policy.json"


@pytest.fixture(autouse=True)
def no_language_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests set PLACEMENT_LANG themselves; the one of the machine running them is not
    theirs to read."""
    monkeypatch.delenv(LANG_ENV, raising=False)


def _solve(tmp_path: Path, *extra: str) -> list[str]:
    argv = ["solve", str(EXAMPLE), "--policy", str(POLICY), "--out", str(tmp_path), *extra]
    assert main(argv) == EXIT_OK
    return argv


def test_a_command_speaks_indonesian_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _solve(tmp_path)
    out = capsys.readouterr().out
    assert "nilai objektif 287692  (batas 287692, pemecah flow)" in out
    assert "mutasi 2, penempatan baru 1, tidak ditempatkan 1, formasi terisi 2" in out
    assert f"ditulis {tmp_path / 'plan.csv'}" in out
    assert "objective" not in out and "wrote" not in out


def test_lang_en_speaks_english_before_or_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _solve(tmp_path, "--lang", "en")
    after = capsys.readouterr().out
    assert "objective  287692  (bound 287692, solver flow)" in after
    assert "moves 2, new placements 1, unplaced 1, vacancies filled 2" in after
    argv = ["--lang=en", "solve", str(EXAMPLE), "--policy", str(POLICY), "--out", str(tmp_path)]
    assert main(argv) == EXIT_OK
    again = capsys.readouterr().out
    assert _without_runtime(again) == _without_runtime(after)


def _without_runtime(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("runtime")]


def test_placement_lang_is_the_default_and_lang_overrides_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANG_ENV, "en_US")
    _solve(tmp_path)
    assert "vacancies filled 2" in capsys.readouterr().out
    _solve(tmp_path, "--lang", "id")
    assert "formasi terisi 2" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--lang", "fr", "solve", "x"], ["solve", "x", "--lang=fr"]])
def test_an_unknown_language_exits_2_with_one_clear_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["kesalahan: bahasa 'fr' pada --lang tidak dikenal (pilih salah satu: id, en)"]


def test_an_unknown_placement_lang_exits_2_and_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANG_ENV, "xx")
    assert main(["solve", "x", "--lang", "en"]) == EXIT_INPUT
    assert f"'xx' pada {LANG_ENV} tidak dikenal" in capsys.readouterr().err


def test_a_bad_language_chosen_in_english_is_said_in_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LANG_ENV, "en")
    assert main(["solve", "x", "--lang", "jv"]) == EXIT_INPUT
    assert "error: unknown language 'jv' in --lang (choose one of: id, en)" in (
        capsys.readouterr().err
    )


def test_json_output_is_the_same_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _solve(tmp_path, "--quiet")
    capsys.readouterr()
    printed = []
    for locale in LOCALES:
        argv = ["check", str(EXAMPLE), str(tmp_path), "--json", "--lang", locale]
        assert main(argv) == EXIT_OK
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1]
    assert json.loads(printed[0]) == {"ok": True, "objective": 287692, "violations": []}


def test_an_infeasible_solve_says_so_in_indonesian_without_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = json.loads(POLICY.read_text(encoding="utf-8")) | {
        "force_rotation": True, "jpm_floor": 60, "retirement_buffer_months": 12, "max_moves": 2,
    }  # fmt: skip
    (tmp_path / "policy.json").write_text(json.dumps(policy))
    argv = ["solve", str(EXAMPLE), "--policy", str(tmp_path / "policy.json"),
            "--out", str(tmp_path / "run")]  # fmt: skip
    assert main(argv) == EXIT_INFEASIBLE
    out = capsys.readouterr().out
    assert "tanpa rencana  aturan tidak dapat dipenuhi semuanya (INFEASIBLE)" in out
    assert "None" not in out


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_commands_help_renders_in_every_language(
    command: str, locale: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help", "--lang", locale])
    assert exit_info.value.code == 0
    usage = {"id": "penggunaan: placement", "en": "usage: placement"}[locale]
    assert capsys.readouterr().out.startswith(usage)


def test_the_help_and_the_parsers_errors_are_indonesian_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["solve", "--help"])
    text = capsys.readouterr().out
    assert "Selesaikan DATASET" in text and "argumen posisi:" in text and "\nopsi:\n" in text
    assert "tampilkan bantuan ini lalu keluar" in text and "--lang {id,en}" in text
    with pytest.raises(SystemExit) as exit_info:
        main(["solve", str(EXAMPLE), "--time-limit", "0"])
    assert exit_info.value.code == EXIT_INPUT
    err = capsys.readouterr().err
    assert "kesalahan: argumen --time-limit: harus berupa jumlah detik > 0" in err
    with pytest.raises(SystemExit):
        main(["solve", str(EXAMPLE), "--time-limit", "0", "--lang", "en"])
    assert "error: argument --time-limit: must be a positive number of seconds" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("the following arguments are required: dataset", "argumen berikut wajib diisi: dataset"),
        ("unrecognized arguments: --nope", "argumen tidak dikenal: --nope"),
        (
            "argument --solver: invalid choice: 'x' (choose from 'auto', 'flow')",
            "argumen --solver: pilihan tidak sah: 'x' (pilih dari 'auto', 'flow')",
        ),
        ("argument --seed: invalid non_negative_int value: 'x'",
         "argumen --seed: nilai non_negative_int tidak sah: 'x'"),
        ("something argparse may say one day", "something argparse may say one day"),
    ],
)  # fmt: skip
def test_argparses_own_errors_are_said_again_in_the_locale(english: str, indonesian: str) -> None:
    assert localise_argparse_error(english) == indonesian
    with use_locale("en"):
        assert localise_argparse_error(english) == english

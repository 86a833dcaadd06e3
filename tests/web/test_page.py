"""The planners' web page, end to end in a real headless Chromium against the real service.

A planner signs in, uploads the shared example as CSV files, runs it with its policy, opens an
explanation, runs a scenario, compares the two runs and downloads the plan; a malformed upload
(dropped on the page) shows its problems in a sortable table; an INFEASIBLE run of an xlsx
upload shows its diagnosis; the embedded 5,000-employee city renders one bounded page of the
plan, and a slow run is cancelled. axe-core finds no serious or critical violation. Every test
runs with the network off the machine blocked, and asserts the page never tried to reach it
and logged no error.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import openpyxl
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from api.routes.web import CONTENT_TYPES, CSP, assets
from tests.paths import EXAMPLE, ROOT
from tests.web.conftest import Blocked, Service

TABLES = (
    "employees", "positions", "competencies", "requirements", "preferences", "relations", "units"
)  # fmt: skip
BINJAI = ROOT / "placement" / "data" / "binjai"
PAGE_ROWS = 50
SERIOUS = ("serious", "critical")


def snap(page: Page, name: str) -> None:
    """Save a full-page screenshot as ``name``.png when PLACEMENT_SCREENSHOTS names a folder
    (for the documentation; the tests do not depend on it)."""
    folder = os.environ.get("PLACEMENT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def csv_files(folder: Path) -> list[str]:
    """The dataset's CSV files that exist in ``folder``."""
    return [str(folder / f"{t}.csv") for t in TABLES if (folder / f"{t}.csv").exists()]


def sign_in(page: Page, service: Service) -> None:
    page.goto("/")
    page.get_by_label("Kunci API").fill(service.planner_key)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#upload")).to_be_visible()


def upload(page: Page, files: list[str]) -> None:
    page.locator("#file-input").set_input_files(files)


def drop(page: Page, files: list[Path]) -> None:
    """Drag ``files`` onto the drop zone, as a planner does from the file manager."""
    contents = {f.name: f.read_text(encoding="utf-8") for f in files}
    transfer = page.evaluate_handle(
        """(contents) => {
            const transfer = new DataTransfer();
            for (const [name, text] of Object.entries(contents)) {
                transfer.items.add(new File([text], name, { type: "text/csv" }));
            }
            return transfer;
        }""",
        contents,
    )
    page.dispatch_event("#drop-zone", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})


def run_plan(page: Page, policy: dict[str, Any]) -> None:
    """Fill the policy form from ``policy``, start the run and wait for the plan table."""
    expect(page.locator("#policy")).to_be_visible()
    page.fill("#policy-reference_date", policy["reference_date"])
    lines = {
        k: "\n".join(f"{p['nip']},{p['position_id']}" for p in policy.get(k, []))
        for k in ("pins", "forbid")
    }
    page.fill("#policy-pins", lines["pins"])
    page.fill("#policy-forbid", lines["forbid"])
    page.click("#start-run")
    expect(page.locator("#plan-table tbody tr").first).to_be_visible(timeout=90_000)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = Axe().run(page)
    violations: list[dict[str, Any]] = results.response["violations"]
    return [v for v in violations if v.get("impact") in SERIOUS]


def test_every_asset_is_served_from_the_package_with_its_type_and_a_strict_policy(
    service: Service,
) -> None:
    folder = resources.files("api") / "web"
    names = sorted(assets())
    assert {"index.html", "app.js", "app.css"} <= set(names)
    with httpx.Client(base_url=service.url) as client:
        for name in names:
            answer = client.get("/" if name == "index.html" else f"/web/{name}")
            assert answer.status_code == 200, name
            assert answer.content == (folder / name).read_bytes(), name
            suffix = name[name.rfind(".") :]
            assert answer.headers["content-type"] == CONTENT_TYPES[suffix], name
            assert answer.headers["content-security-policy"] == CSP
            assert answer.headers["x-content-type-options"] == "nosniff"
        assert client.get("/web/missing.js").status_code == 404
        assert client.get("/web/..%2Fapp.py").status_code == 404
    assert "default-src 'self'" in CSP
    # The page names no other host: every script, style and call stays on this service.
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", ""), name
        assert "https://" not in text, name


def test_a_planner_runs_explains_changes_compares_and_downloads_a_plan(
    page: Page, service: Service, blocked: Blocked, tmp_path: Path
) -> None:
    sign_in(page, service)
    assert page.evaluate("sessionStorage.length") == 1
    folder = tmp_path / "example"
    folder.mkdir()
    for name in csv_files(EXAMPLE):
        shutil.copy(name, folder)
    (folder / "units.csv").write_text(
        "unit,name\nDINKES,Dinas Kesehatan\nDISDIK,Dinas Pendidikan\n"
    )
    upload(page, csv_files(folder))
    expect(page.locator("#upload-status")).to_have_text("Data valid dan tersimpan.")
    expect(page.locator("#upload-counts")).to_contain_text("employees")
    policy = json.loads((EXAMPLE / "policy.json").read_text())
    run_plan(page, policy)

    expect(page.locator("#run-status")).to_have_text("selesai")
    expect(page.locator("#run-objective")).to_have_text("287.692")
    expect(page.locator("#run-bound")).to_have_text("287.692")
    expect(page.locator("#run-elapsed")).not_to_have_text("–")
    summary = json.loads((EXAMPLE / "summary.json").read_text())
    expect(page.locator('[data-kpi="kpiMoves"] .kpi-value')).to_have_text(str(summary["moves"]))
    expect(page.locator('[data-kpi="kpiVacancies"] .kpi-value')).to_have_text(
        str(summary["vacancies_filled"])
    )
    expect(page.locator("#chart-jpm svg rect").first).to_be_attached()
    plan_lines = (EXAMPLE / "plan.csv").read_text().splitlines()
    expect(page.locator("#plan-table tbody tr")).to_have_count(len(plan_lines) - 1)
    # Units by name where the dataset names them, by code where it does not.
    expect(page.locator("#plan-table tbody")).to_contain_text("Dinas Kesehatan")
    expect(page.locator("#plan-table tbody")).to_contain_text("BKPSDM")
    expect(page.locator("#filter-unit")).to_contain_text("Dinas Pendidikan")
    snap(page, "1-plan")

    # Filters: only the movers, then everyone again.
    page.select_option("#filter-kind", "move")
    expect(page.locator("#plan-table tbody tr")).to_have_count(summary["moves"])
    page.select_option("#filter-kind", "")

    # Sort by NIP descending with the keyboard.
    nip_header = page.locator('#plan-table th[data-key="nip"]')
    nip_header.locator("button").focus()
    page.keyboard.press("Enter")
    expect(nip_header).to_have_attribute("aria-sort", "ascending")
    page.keyboard.press("Space")
    expect(nip_header).to_have_attribute("aria-sort", "descending")
    first_nip = page.locator("#plan-table tbody tr").first.locator("td").first
    expect(first_nip).to_have_text(max(line.split(",")[0] for line in plan_lines[1:]))

    # A person's explanation, with the counterfactual, opened from the keyboard.
    mover = next(line.split(",") for line in plan_lines[1:] if line.split(",")[5] == "true")
    page.select_option("#filter-kind", "move")
    page.get_by_role("button", name=f"Penjelasan: {mover[0]}", exact=False).first.focus()
    page.keyboard.press("Enter")
    body = page.locator("#explain-body")
    expect(body.locator("h3")).to_contain_text(mover[0], timeout=60_000)
    expect(body).to_contain_text("Perubahan tunggal terkecil")
    expect(body.locator(".counterfactual")).not_to_be_empty()
    snap(page, "2-explanation")
    assert serious_violations(page) == []

    # A position's explanation.
    page.get_by_role("button", name=f"Penjelasan: {mover[2]}", exact=False).first.click()
    expect(body.locator("h3")).to_contain_text(mover[2], timeout=60_000)
    expect(body).to_contain_text("Kandidat")
    page.select_option("#filter-kind", "")

    # Downloads: the CSV plan is the contract's plan, the xlsx files open as workbooks.
    with page.expect_download() as csv_download:
        page.click("#download-csv")
    csv_bytes = Path(csv_download.value.path()).read_bytes()
    assert csv_bytes.decode("utf-8").splitlines() == plan_lines
    assert csv_download.value.suggested_filename.endswith(".csv")
    for button in ("#download-xlsx", "#download-decree"):
        with page.expect_download() as xlsx_download:
            page.click(button)
        data = Path(xlsx_download.value.path()).read_bytes()
        assert data[:2] == b"PK", button
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert workbook.sheetnames, button
        cells = {c for row in workbook.active.iter_rows(values_only=True) for c in row}
        assert "NIP" in cells and "Dinas Kesehatan" in cells, button
        workbook.close()

    # A scenario: abolish the position of a mover's target, then compare with the base run.
    page.click("#add-change")
    page.select_option("#change-1-op", "abolish")
    page.fill("#change-1-position_id", mover[2])
    # ... staying as close as possible to the shown plan (a penalty per changed placement).
    page.click("#add-change")
    page.select_option("#change-2-op", "disruption")
    page.fill("#change-2-penalty", "1")
    page.click("#run-scenario")
    show = page.get_by_role("button", name="Tampilkan rencana ini", exact=False)
    expect(show).to_be_visible(timeout=90_000)
    expect(page.locator("#compare-runs input:checked")).to_have_count(2)
    page.click("#compare-button")
    expect(page.locator("#compare-kpis table")).to_contain_text("objective")
    expect(page.locator("#compare-people")).to_contain_text(mover[0])
    snap(page, "3-comparison")
    scenario_id = page.locator("#compare-runs input").nth(1).get_attribute("value")
    assert scenario_id
    scenario = httpx.get(
        f"{service.url}/v1/scenarios/{scenario_id}",
        headers={"Authorization": f"Bearer {service.planner_key}"},
    ).json()
    assert scenario["changes"][1] == {"op": "policy", "key": "disruption_weight", "value": 1}
    show.click()
    expect(page.locator("#plan-viewing")).to_contain_text(scenario_id)
    assert serious_violations(page) == []

    # English, then sign out: the key is gone.
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#plan-title")).to_have_text("4. Plan")
    assert serious_violations(page) == []
    page.click("#sign-out")
    expect(page.locator("#signin")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert blocked.urls == []
    assert blocked.errors == []


def test_a_refused_upload_lists_every_problem_in_a_sortable_table(
    page: Page, service: Service, blocked: Blocked, tmp_path: Path
) -> None:
    for name in csv_files(EXAMPLE):
        shutil.copy(name, tmp_path)
    lines = (tmp_path / "employees.csv").read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("grade")] = "V/z"
    (tmp_path / "employees.csv").write_text("\n".join([*lines, lines[2], ",".join(bad)]) + "\n")
    page.goto("/")
    page.get_by_label("Kunci API").fill("pen_not_a_key")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#signin-status")).to_have_text("Kunci API tidak valid.")
    assert serious_violations(page) == []
    assert page.evaluate("sessionStorage.length") == 0
    sign_in(page, service)
    drop(page, [Path(f) for f in csv_files(tmp_path)])
    expect(page.locator("#upload-status")).to_contain_text("Data ditolak")
    rows = page.locator("#upload-problems tbody tr")
    # The two duplicate NIPs and the unknown grade, each with its table, row and column.
    expect(rows).to_have_count(3)
    expect(page.locator("#upload-problems")).to_contain_text("V/z")
    row_header = page.locator('#upload-problems th[data-key="row"]')
    row_header.locator("button").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(row_header).to_have_attribute("aria-sort", "descending")
    snap(page, "4-refused-upload")
    expect(rows.first.locator("td").nth(1)).to_have_text(str(len(lines) + 1))
    expect(page.locator("#policy")).to_be_hidden()
    assert serious_violations(page) == []
    assert blocked.urls == []
    assert blocked.errors == []


def test_the_plan_of_5000_employees_renders_one_bounded_page(
    page: Page, service: Service, blocked: Blocked, record_property: Any
) -> None:
    sign_in(page, service)
    upload(page, csv_files(BINJAI))
    expect(page.locator("#upload-status")).to_have_text("Data valid dan tersimpan.", timeout=60_000)
    expect(page.locator("#upload-counts")).to_contain_text("5.000")

    run_plan(page, {"reference_date": "2026-07-01"})
    expect(page.locator("#plan-table tbody tr")).to_have_count(PAGE_ROWS)
    expect(page.locator("#plan-table .page-status")).to_contain_text("5.000")
    snap(page, "5-city-plan")
    render_ms = float(page.locator("#plan-table").get_attribute("data-render-ms") or "nan")
    total_ms = float(page.locator("#plan-table").get_attribute("data-total-ms") or "nan")
    record_property("first_render_ms", render_ms)
    record_property("fetch_and_render_ms", total_ms)
    print(
        f"\nplan table, 5,000 employees: first render {render_ms:.0f} ms "
        f"({total_ms:.0f} ms with the plan and figures requests)"
    )
    page.get_by_role("button", name="Berikutnya").click()
    expect(page.locator("#plan-table .page-status")).to_contain_text("Halaman 2")
    expect(page.locator("#plan-table tbody tr")).to_have_count(PAGE_ROWS)

    # A slow MIP is running, and is cancelled.
    page.fill("#policy-reference_date", "2026-07-01")
    page.fill("#policy-max_moves", "250")
    page.fill("#policy-max_unit_outflow", "0.05")
    page.select_option("#policy-solver", "highs")
    page.click("#start-run")
    expect(page.locator("#run-status")).to_have_text("berjalan", timeout=30_000)
    page.click("#cancel-run")
    expect(page.locator("#run-status")).to_have_text("dibatalkan")
    expect(page.locator("#cancel-run")).to_be_disabled()
    assert blocked.urls == []
    assert blocked.errors == []


def test_an_infeasible_run_of_an_xlsx_upload_shows_its_diagnosis(
    page: Page, service: Service, blocked: Blocked
) -> None:
    sign_in(page, service)
    upload(page, [str(EXAMPLE / "example.xlsx")])
    expect(page.locator("#upload-status")).to_have_text("Data valid dan tersimpan.")
    expect(page.locator("#policy")).to_be_visible()
    # Two pins on DISDIK-04, a post of one seat.
    page.fill("#policy-reference_date", "2026-07-01")
    page.fill("#policy-pins", "199803122024061001,DISDIK-04\n198705202010011002,DISDIK-04")
    page.click("#start-run")
    expect(page.locator("#run-status")).to_have_text("gagal", timeout=60_000)
    expect(page.locator("#run-message")).to_contain_text("INFEASIBLE")
    diagnosis = page.locator("#diagnosis")
    expect(diagnosis.locator("h3")).to_have_text(
        "Diagnosis: aturan yang tidak dapat dipenuhi bersama"
    )
    expect(diagnosis).to_contain_text("DISDIK-04")
    snap(page, "6-diagnosis")
    expect(page.locator("#plan")).to_be_hidden()
    assert blocked.urls == []
    assert blocked.errors == []

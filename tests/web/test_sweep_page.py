"""The sweep section of the planners' page, in a real headless Chromium against the real
service: a planner sweeps ``max_moves`` over the shared example, sees the progress reach every
point, the results table (the infeasible point with its reason) and the trade-off chart with
the Pareto-efficient points marked; in English too, and without serious accessibility
violations, network requests off the machine or script errors."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.paths import EXAMPLE
from tests.web.conftest import Blocked, Service
from tests.web.test_page import csv_files, serious_violations, sign_in, upload


def test_a_planner_sweeps_one_policy_key_and_sees_the_table_and_the_trade_off(
    page: Page, service: Service, blocked: Blocked
) -> None:
    sign_in(page, service)
    upload(page, csv_files(EXAMPLE))
    expect(page.locator("#sweep")).to_be_visible()
    policy = json.loads((EXAMPLE / "policy.json").read_text())
    page.fill("#policy-reference_date", policy["reference_date"])
    page.fill("#policy-pins", "\n".join(f"{p['nip']},{p['position_id']}" for p in policy["pins"]))

    page.select_option("#sweep-key", "max_moves")
    page.select_option("#sweep-mode", "range")
    expect(page.locator("#sweep-values")).to_be_hidden()
    page.fill("#sweep-from", "0")
    page.fill("#sweep-to", "4")
    page.fill("#sweep-step", "2")
    page.click("#start-sweep")

    expect(page.locator("#sweep-status")).to_have_attribute(
        "data-status", "succeeded", timeout=90_000
    )
    expect(page.locator("#sweep-status")).to_contain_text("3 dari 3 titik selesai, 1 tanpa")
    rows = page.locator("#sweep-table tbody tr")
    expect(rows).to_have_count(3)
    # max_moves = 0 cannot hold the pin: the point stays in the table with its reason.
    expect(rows.nth(0)).to_contain_text("INFEASIBLE")
    expect(rows.nth(0)).to_contain_text("max_moves")
    expect(rows.nth(1)).to_contain_text("OPTIMAL")
    chart = page.locator("#chart-sweep svg")
    expect(chart.locator("circle.point")).to_have_count(2 + 1)  # two points and the legend
    expect(chart.locator("circle.efficient").first).to_be_attached()
    expect(chart.locator("title").first).to_contain_text("Efisien Pareto")
    assert serious_violations(page) == []

    page.click("#lang-toggle")
    expect(page.locator("#sweep-title")).to_have_text("7. Policy sweep")
    expect(page.locator("#sweep-status")).to_contain_text("3 of 3 points done")
    expect(page.locator("#sweep-table caption")).to_have_text("Results of every point of the sweep")
    assert blocked.urls == [] and blocked.errors == []

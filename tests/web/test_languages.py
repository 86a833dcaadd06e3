"""The planners' page in Indonesian and in English, end to end in a real headless Chromium.

Each language goes through the main flows — a refused upload and its problems, the example
uploaded and run, the plan, a person's and a position's explanation, the diagnosis of an
infeasible policy — and then switches to the other language. At every step the text a planner
sees or hears (visible text, accessible names, the title) holds no text of the other language:
no template of the other language's page texts (i18n.js) or of the service's catalogs that
differs from its counterpart, in whole or in any part between its ``{fields}``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from placement.i18n import LOCALES, catalog
from tests.paths import EXAMPLE
from tests.web.conftest import Blocked, Service
from tests.web.test_page import csv_files, drop, run_plan, upload

OTHER = {"id": "en", "en": "id"}
#: Texts that are in the other language on purpose: the switch names the language it goes to.
DELIBERATE = frozenset({"switchLang", "switchLangLabel", "locale.name"})
#: The shortest part of a template checked (shorter ones are words both languages use).
MIN_LETTERS = 4
FIELD = re.compile(r"\{[^{}]*\}")
EDGES = " \t\n.,:;!?()[]<>'\"–—-…·/=+*%→"
#: What the page shows: visible text outside elements marked as another language and outside
#: code (policy keys), accessible names and the document's title.
SHOWN = """(root) => {
  const lang = document.documentElement.lang;
  const shown = (el) => !el.closest("[hidden], code") && el.checkVisibility()
    && (el.closest("[lang]")?.lang ?? lang) === lang;
  const within = document.querySelector(root);
  const out = within === document.body ? [document.title] : [];
  const walker = document.createTreeWalker(within, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && node.textContent.trim() && shown(node.parentElement)) {
      out.push(node.textContent.trim());
    }
  }
  for (const el of within.querySelectorAll("[aria-label]")) {
    if (shown(el)) out.push(el.getAttribute("aria-label"));
  }
  return out;
}"""
PAGE_TEXTS = """async () => {
  const m = await import("/web/i18n.js");
  return { id: m.texts("id"), en: m.texts("en") };
}"""


def pieces(template: str) -> list[str]:
    """The literal parts of ``template`` between its fields, without edge punctuation."""
    return [p.strip(EDGES) for p in FIELD.split(template) if p.strip(EDGES)]


def long_enough(piece: str) -> bool:
    return sum(c.isalpha() for c in piece) >= MIN_LETTERS


@cache
def data_text() -> str:
    """Every value of the example's data, which the page shows as it is."""
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.csv"))
    ).lower()


def foreign_pieces(page_texts: dict[str, dict[str, str]], language: str) -> list[str]:
    """Parts of the other language's texts that must not show in ``language``: those of a text
    that differs from its counterpart and that no text of ``language`` (nor the data) holds."""
    other = OTHER[language]
    sources = [(page_texts[language], page_texts[other]), (catalog(language), catalog(other))]
    own = "\n".join(t for mine, _ in sources for t in mine.values()).lower()
    found: set[str] = set()
    for mine, theirs in sources:
        for key, text in theirs.items():
            if key in DELIBERATE or mine.get(key) == text:
                continue
            for piece in pieces(text):
                lowered = piece.lower()
                if long_enough(piece) and lowered not in own and lowered not in data_text():
                    found.add(piece)
    return sorted(found, key=len, reverse=True)


def untranslated(shown: Iterable[str], foreign: list[str]) -> list[tuple[str, str]]:
    """Each (piece, shown text) where a foreign piece shows as whole words, in its own case
    (the product's name, penempatan, is not the Indonesian word Penempatan)."""
    # Compiled once: the pieces outnumber the re module's cache, which would compile each
    # pattern again for every text. A piece not in the text at all cannot match it.
    patterns = [(piece, re.compile(rf"(?<!\w){re.escape(piece)}(?!\w)")) for piece in foreign]
    hits = []
    for text in shown:
        for piece, pattern in patterns:
            if piece in text and pattern.search(text):
                hits.append((piece, text))
    return hits


class Reader:
    """Checks the page's text against the other language as the flow goes on."""

    def __init__(self, page: Page, language: str) -> None:
        self.page = page
        self.language = language
        self.texts: dict[str, dict[str, str]] = page.evaluate(PAGE_TEXTS)
        self.foreign = {code: foreign_pieces(self.texts, code) for code in LOCALES}
        assert len(self.foreign["id"]) > 100 and len(self.foreign["en"]) > 100

    def t(self, key: str) -> str:
        return self.texts[self.language][key]

    def check(self, step: str, root: str = "body") -> None:
        """No text of the other language shows in ``root`` (a selector), nor, for the whole
        body, in the title."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        shown: list[str] = self.page.evaluate(SHOWN, root)
        hits = untranslated(shown, self.foreign[self.language])
        assert hits == [], (self.language, step, hits)

    def switch(self) -> None:
        self.page.click("#lang-toggle")
        self.language = OTHER[self.language]


def bad_files(folder: Path) -> list[Path]:
    """The example's CSV files with a duplicated NIP and an unknown grade."""
    for name in csv_files(EXAMPLE):
        shutil.copy(name, folder)
    lines = (folder / "employees.csv").read_text().splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("grade")] = "V/z"
    (folder / "employees.csv").write_text("\n".join([*lines, lines[2], ",".join(bad)]) + "\n")
    return [Path(f) for f in csv_files(folder)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_page_speaks_one_language_through_every_flow(
    page: Page, service: Service, blocked: Blocked, tmp_path: Path, language: str
) -> None:
    page.goto("/")
    reader = Reader(page, "id")
    if language == "en":
        reader.switch()
    reader.check("sign in")
    page.fill("#api-key", service.planner_key)
    page.locator("#signin-form button[type=submit]").click()
    expect(page.locator("#upload")).to_be_visible()
    reader.check("signed in")

    # A refused upload: every problem listed, in the page's language.
    with page.expect_response(lambda r: r.url.endswith("/v1/datasets")) as refused:
        drop(page, bad_files(tmp_path))
    assert refused.value.status == 422
    assert refused.value.headers["content-language"] == language
    assert refused.value.request.headers["accept-language"] == language
    expect(page.locator("#upload-problems tbody tr")).to_have_count(3)
    expect(page.locator("#upload-status")).to_contain_text(
        reader.t("uploadBad").split("{")[0].strip()
    )
    reader.check("refused upload")

    # The example, run; the plan with its figures in the language's notation.
    upload(page, csv_files(EXAMPLE))
    expect(page.locator("#upload-status")).to_have_text(reader.t("uploadOk"))
    policy = json.loads((EXAMPLE / "policy.json").read_text())
    run_plan(page, policy)
    expect(page.locator("#run-status")).to_have_text(reader.t("succeeded"))
    expect(page.locator("#run-objective")).to_have_text(
        {"id": "287.692", "en": "287,692"}[language]
    )
    reader.check("plan")

    # A mover's explanation, then their new position's.
    plan_lines = (EXAMPLE / "plan.csv").read_text().splitlines()
    mover = next(line.split(",") for line in plan_lines[1:] if line.split(",")[5] == "true")
    page.select_option("#filter-kind", "move")
    page.get_by_role("button", name=f"{reader.t('explainTitle')}: {mover[0]}").first.click()
    body = page.locator("#explain-body")
    expect(body.locator("h3")).to_contain_text(mover[0], timeout=60_000)
    expect(body).to_contain_text(reader.t("counterfactual"))
    reader.check("explanation of a person")
    page.get_by_role("button", name=f"{reader.t('explainTitle')}: {mover[2]}").first.click()
    expect(body.locator("h3")).to_contain_text(mover[2], timeout=60_000)
    reader.check("explanation of a position")

    # The other language: the explanation is asked for again in it.
    reader.switch()
    expect(body).to_contain_text(reader.t("candidates"), timeout=60_000)
    expect(page.locator("#run-status")).to_have_text(reader.t("succeeded"))
    reader.check("explanation after the switch")
    reader.switch()
    expect(body).to_contain_text(reader.t("candidates"), timeout=60_000)
    page.click("#close-explain")

    # An infeasible policy: two pins on a post of one seat, and its diagnosis.
    page.fill("#policy-pins", "199803122024061001,DISDIK-04\n198705202010011002,DISDIK-04")
    page.click("#start-run")
    expect(page.locator("#run-status")).to_have_text(reader.t("failed"), timeout=60_000)
    diagnosis = page.locator("#diagnosis")
    expect(diagnosis.locator("h3")).to_have_text(reader.t("diagnosisTitle"), timeout=60_000)
    expect(diagnosis).to_contain_text("DISDIK-04")
    expect(page.locator("#run-message")).to_contain_text("INFEASIBLE")
    reader.check("diagnosis")

    # Switching: the run's message and its diagnosis are said again in the other language.
    with page.expect_response(lambda r: r.url.endswith("/diagnosis")) as again:
        reader.switch()
    assert again.value.headers["content-language"] == reader.language
    expect(page.locator("#run-status")).to_have_text(reader.t("failed"))
    expect(diagnosis.locator("h3")).to_have_text(reader.t("diagnosisTitle"))
    expect(diagnosis.locator(".diagnosis-text")).to_have_text(
        again.value.json()["text"], timeout=30_000
    )
    reader.check("diagnosis after the switch")
    assert blocked.urls == []
    assert blocked.errors == []


def test_the_sweep_section_is_said_again_in_the_other_language(
    page: Page, service: Service, blocked: Blocked
) -> None:
    page.goto("/")
    reader = Reader(page, "id")
    page.fill("#api-key", service.planner_key)
    page.locator("#signin-form button[type=submit]").click()
    upload(page, csv_files(EXAMPLE))
    expect(page.locator("#sweep")).to_be_visible()
    policy = json.loads((EXAMPLE / "policy.json").read_text())
    page.fill("#policy-reference_date", policy["reference_date"])
    page.fill("#policy-pins", "\n".join(f"{p['nip']},{p['position_id']}" for p in policy["pins"]))
    status = page.locator("#sweep-status")

    # A refusal of the form's own: said again after a switch, and back.
    page.select_option("#sweep-key", "max_moves")
    page.fill("#sweep-values", "two")
    page.click("#start-sweep")
    expect(status).to_have_text(reader.t("sweepBadValues"))
    reader.switch()
    expect(status).to_have_text(reader.t("sweepBadValues"))
    reader.check("a refused sweep after the switch", "#sweep")
    reader.switch()
    expect(status).to_have_text(reader.t("sweepBadValues"))

    # A finished sweep whose first point is infeasible, its reason in the table.
    page.fill("#sweep-values", "0, 2, 4")
    page.click("#start-sweep")
    expect(status).to_have_attribute("data-status", "succeeded", timeout=90_000)
    rows = page.locator("#sweep-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("INFEASIBLE")
    reader.check("a finished sweep", "#sweep")
    for _ in range(2):
        reader.switch()
        expect(page.locator("#sweep-title")).to_have_text(reader.t("sweepTitle"))
        expect(status).to_contain_text(reader.t("sweepProgress").split("{")[0].strip())
        expect(rows).to_have_count(3)
        reader.check("a finished sweep after the switch", "#sweep")
    assert blocked.urls == []
    assert blocked.errors == []

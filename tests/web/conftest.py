"""Fixtures of the web page tests: the real service on a loopback port and a real headless
Chromium (Debian's ``chromium``) driven by Playwright, with every non-loopback request blocked.

Without Chromium the tests fail with the command that installs it: ``.ci/run`` installs it on a
fresh machine, so a missing browser is a broken set-up, never a reason to skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

from tests.api.conftest import sqlite_url
from tests.api.fixtures import make_key, serving
from tests.api.http.conftest import service_settings

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Service:
    """The service under test: its base URL and a planner's API key."""

    url: str
    planner_key: str


@dataclass
class Blocked:
    """Every request the page tried to send off the machine (all were aborted), and every
    script error or console error of the page (a refused request's status line aside)."""

    urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        """Keep a console error; the browser also logs every 4xx answer, which tests expect."""
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)


def chromium_path() -> str:
    """The system Chromium; fails the test when it is missing."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "chromium is not installed: `apt-get install -y chromium` (.ci/run does this)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service on SQLite with two workers, and a planner key."""
    database = sqlite_url(tmp_path_factory.mktemp("web"))
    key = make_key(database, "planner")
    settings = service_settings(database, max_request_bytes=32 * 1024 * 1024, sync_time_limit_s=20)
    with serving(settings) as url:
        yield Service(url=url, planner_key=key)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless system Chromium (no browser download)."""
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    chromium = playwright.chromium.launch(executable_path=chromium_path(), args=args)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def blocked() -> Blocked:
    """The requests to other hosts a test's page attempted."""
    return Blocked()


@pytest.fixture
def page(browser: Browser, service: Service, blocked: Blocked, tmp_path: Path) -> Iterator[Page]:
    """A fresh page (own storage) whose requests off the loopback interface are aborted."""
    context = browser.new_context(
        base_url=service.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )

    def only_loopback(route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            blocked.urls.append(url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("console", blocked.console)
    page.on("pageerror", lambda error: blocked.errors.append(str(error)))
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()

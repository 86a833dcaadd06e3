"""The API documentation pages render in a real browser with every off-machine request blocked:
Swagger UI and ReDoc come from the package, not from a CDN."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.web.conftest import Blocked, Service


def test_swagger_ui_renders_every_operation_without_the_network(
    page: Page, service: Service, blocked: Blocked
) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "penempatan" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/v1/runs" in path for path in paths)
    assert any("/v1/datasets" in path for path in paths)
    assert blocked.urls == []
    assert blocked.errors == []


def test_redoc_renders_the_document_without_the_network(
    page: Page, service: Service, blocked: Blocked
) -> None:
    page.goto("/redoc")
    page.wait_for_selector("h1")
    assert "penempatan" in page.inner_text("h1")
    page.locator("h2", has_text="Queue a run").first.wait_for()
    assert blocked.urls == []
    # The sidebar credit's logo is refused by the page's own policy before any request.
    assert all("Content Security Policy" in error for error in blocked.errors)

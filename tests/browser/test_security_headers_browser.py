"""With the Content-Security-Policy on, the pages still work in a real browser: the overview's
ECharts chart draws, htmx loads, the API docs render, and the browser reports no violation."""

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_csp(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """Overview (chart), pipeline index (charts), 我的账号 and /api/v1/docs load with no CSP
    violation in the console."""
    page = browser_page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, live_server.url, personas.org.username)
    page.wait_for_selector("[data-chart] canvas", timeout=60_000)
    assert page.evaluate("typeof htmx") == "object"
    page.goto(f"{live_server.url}/pipeline/")
    page.wait_for_load_state("load")
    page.goto(f"{live_server.url}/account/")
    assert "我的账号" in page.inner_text("h1")
    # Swagger UI loads its bundle and fetches the schema under the same policy.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_load_state("load")
    page.wait_for_selector("#swagger-ui")
    assert page.evaluate("typeof SwaggerUIBundle") == "function"
    page.wait_for_timeout(1000)
    assert violations == []

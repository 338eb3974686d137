"""The portal's Content-Security-Policy in a real browser: sent with the web app, enforced by
Chromium, and every violation is caught (so the other e2e tests prove the app runs under it)."""

from __future__ import annotations

from tests.e2e.conftest import People


async def test_the_web_app_runs_under_its_policy_and_violations_are_caught(
    people: People,
) -> None:
    page = await people.page()
    response = await page.goto("/login")
    assert response is not None
    headers = await response.all_headers()
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    await page.get_by_label("Email").wait_for()
    assert people.csp_violations == []

    # An injected inline script is refused by the browser, and the refusal is noticed.
    await page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    await page.wait_for_timeout(200)
    assert await page.evaluate("() => window.injected === undefined")
    assert people.csp_violations, "the violation was not reported"
    people.csp_violations.clear()

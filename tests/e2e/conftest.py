"""End-to-end: a real `kamp serve` (fresh SQLite database with the demo data, the built web
app) driven through Debian's chromium by Playwright. Each browser context is one person."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("KAMP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "kamp-demo-2026"
KAM = "kara.lindqvist@nordwerk.example"
BUYER = "dana.whitfield@hollis.example"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Portal:
    url: str
    database: Path

    def outbox(self, recipient: str) -> list[str]:
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT body FROM outbox_messages WHERE recipient = ? ORDER BY created_at",
                (recipient,),
            ).fetchall()
        return [body for (body,) in rows]


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    dist = ROOT / "frontend" / "dist" / "index.html"
    if not dist.exists():
        pytest.fail("The web app is not built: run `make frontend` (make test does).")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"No chromium at {CHROMIUM}: `make test` installs Debian's chromium.")
    folder = tmp_path_factory.mktemp("portal")
    database = folder / "kamp.db"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "KAMP_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "KAMP_BASE_URL": url,
        "KAMP_REDIS_URL": "",
        "KAMP_SMTP_URL": "",
        "KAMP_FRONTEND_DIR": str(ROOT / "frontend" / "dist"),
        "KAMP_LOG_LEVEL": "WARNING",
    }
    kamp = [sys.executable, "-m", "kamp.cli"]
    subprocess.run([*kamp, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*kamp, "seed", "--demo"], env=env, check=True, capture_output=True)
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [*kamp, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((folder / "serve.log").read_text()[-3000:])
            time.sleep(0.2)
        yield Portal(url, database)
    finally:
        server.terminate()
        server.wait(10)
        log.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        await browser.close()


# Each page reports what its Content-Security-Policy blocked; Chromium also logs it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class People:
    """One browser context (cookies, tabs) per person. Every page runs under the portal's
    Content-Security-Policy, and any violation fails the test: the web app must work under
    it."""

    def __init__(self, browser: Browser, portal: Portal) -> None:
        self.browser = browser
        self.portal = portal
        self.contexts: list[BrowserContext] = []
        self.csp_violations: list[str] = []

    async def page(self, *, width: int = 1280, height: int = 900) -> Page:
        context = await self.browser.new_context(
            base_url=self.portal.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        await context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("console", self._console)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.csp_violations.append(f"{message.page.url if message.page else ''}: {text}")

    async def signed_in(self, email: str, password: str = PASSWORD, **size: int) -> Page:
        page = await self.page(**size)
        await page.goto("/login")
        await page.get_by_label("Email").fill(email)
        await page.get_by_label("Password").fill(password)
        await page.get_by_role("button", name="Sign in").click()
        await page.get_by_role("heading", name="Welcome").wait_for()
        return page


@pytest.fixture
async def people(browser: Browser, portal: Portal) -> AsyncIterator[People]:
    crowd = People(browser, portal)
    yield crowd
    for context in crowd.contexts:
        await context.close()
    assert not crowd.csp_violations, "\n".join(crowd.csp_violations)


async def shot(page: Page, name: str) -> None:
    """A screenshot of the page as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)

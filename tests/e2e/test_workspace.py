"""The shared workspace in a real browser: a KAM invites a customer buyer, the buyer joins,
both edit the plan at once and see each other's changes live, the buyer never sees anything
internal, and the buyer completes an action item that the KAM then sees done."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

import httpx
from playwright.async_api import Locator, Page, expect

from tests.clock import days_from_today
from tests.e2e.conftest import KAM, People, Portal, shot

NEW_BUYER = "lena.ortiz@hollis.example"
REDIRECT = "https://crm.example.com/callback"
INTERNAL_TITLES = [
    "Lift gross margin on the account to 31%",  # an internal objective
    "Prepare margin scenarios for the retrofit proposal",  # an internal action item
    "Contingency plan",
    "Internal",
]


async def open_workspace(page: Page, section: str | None = None) -> None:
    await page.goto("/")
    await page.get_by_role("link", name="Hollis Building Products").click()
    await page.get_by_role("heading", name="Recent changes").wait_for()
    if section:
        await (
            page.get_by_role("navigation", name="Workspace")
            .get_by_role("link", name=section)
            .click()
        )


async def test_invite_join_coedit_and_complete(people: People, portal: Portal) -> None:
    kam = await people.signed_in(KAM)
    await shot(kam, "01-workspaces")

    # The KAM invites a new customer buyer.
    await open_workspace(kam, "Members")
    invite = kam.get_by_role("form", name="Invite someone")
    await invite.get_by_label("Email").fill(NEW_BUYER)
    await invite.get_by_label("Role").select_option("CUSTOMER_BUYER")
    await invite.get_by_role("button", name="Send invitation").click()
    await expect(kam.get_by_role("status")).to_contain_text(f"Invitation sent to {NEW_BUYER}")
    await shot(kam, "02-members-and-invitations")

    # The buyer follows the emailed link, chooses a password and is in.
    [mail] = portal.outbox(NEW_BUYER)
    link = re.search(r"https?://\S+/invitation/\S+", mail)
    assert link, mail
    buyer = await people.page()
    await buyer.goto(link.group(0))
    await buyer.get_by_label("Your name").fill("Lena Ortiz")
    await buyer.get_by_label("Choose a password").fill("correct horse battery")
    await shot(buyer, "03-invitation")
    await buyer.get_by_role("button", name="Create account and join").click()
    await expect(buyer.get_by_role("heading", name="Welcome, Lena Ortiz")).to_be_visible()
    await expect(buyer.get_by_role("link", name="Hollis Building Products")).to_be_visible()

    # Both open the plan: each sees the other there.
    await open_workspace(buyer)
    await shot(buyer, "04-workspace-home-customer")
    for title in INTERNAL_TITLES:
        await expect(buyer.get_by_text(title, exact=False)).to_have_count(0)
    await open_workspace(buyer, "Account plan")
    await open_workspace(kam, "Account plan")
    await expect(kam.get_by_test_id("viewers")).to_contain_text("Lena Ortiz")
    await expect(buyer.get_by_test_id("viewers")).to_contain_text("Kara Lindqvist")

    # The KAM sees internal items, badged; the buyer sees none of them.
    await expect(objective(kam, "Lift gross margin on the account to 31%")).to_be_visible()
    await expect(kam.locator(".badge.internal").first).to_be_visible()
    await shot(kam, "05-plan-kam")
    for title in INTERNAL_TITLES:
        await expect(buyer.get_by_text(title, exact=False)).to_have_count(0)
    await shot(buyer, "06-plan-customer")

    # Both edit at once; each sees the other's change without reloading.
    await edit_objective(
        kam, "Grow annual sales to the account to $4.2M", "Grow annual sales to $4.5M"
    )
    await expect(objective(buyer, "Grow annual sales to $4.5M")).to_be_visible()
    await edit_objective(
        buyer,
        "Consolidate fastener suppliers from 5 to 2",
        "Consolidate fastener suppliers to 2 by Q3",
    )
    await expect(objective(kam, "Consolidate fastener suppliers to 2 by Q3")).to_be_visible()

    # Saving over someone else's change: the buyer sees both versions and keeps theirs.
    target = "Cut branch stock-outs of A-items to under 1%"
    await buyer.get_by_role("button", name=f"Edit the title of {target}").click()
    await buyer.get_by_label("Objective title").fill("Stock-outs under 1% at every branch")
    await edit_objective(kam, target, "Cut A-item stock-outs to under 1%")
    # The KAM's change reaches the buyer's page while they are still typing: it is announced,
    # and their save must not silently overwrite it.
    await expect(buyer.get_by_test_id("changed-meanwhile")).to_be_visible()
    await buyer.get_by_role("button", name="Save", exact=True).click()
    dialog = buyer.get_by_role("alertdialog")
    await expect(dialog).to_contain_text("Stock-outs under 1% at every branch")
    await expect(dialog).to_contain_text("Cut A-item stock-outs to under 1%")
    await shot(buyer, "07-conflict")
    await dialog.get_by_role("button", name="Keep mine").click()
    await expect(objective(kam, "Stock-outs under 1% at every branch")).to_be_visible()

    # The KAM gives the buyer an action item in the next meeting.
    await open_workspace(kam, "Meetings")
    await shot(kam, "08-meetings")
    await kam.get_by_role("link", name="Weekly standing call").first.click()
    await kam.get_by_role("heading", name="Agenda").wait_for()
    item = kam.get_by_test_id("agenda-item").first
    await item.locator("summary", has_text="New action item").click()
    form = item.get_by_role("form")
    await form.get_by_label("New action item").fill("Share the branch stock report")
    await form.get_by_label("Owner").select_option(label="Lena Ortiz")
    await form.get_by_role("button", name="Add").click()
    await expect(kam.get_by_text("Share the branch stock report")).to_be_visible()
    await shot(kam, "09-meeting")

    # The KAM watches the action board while the buyer completes the item.
    await open_workspace(kam, "Action items")
    await expect(kam.get_by_test_id("column-OPEN")).to_contain_text("Share the branch stock report")
    await open_workspace(buyer, "Action items")
    card = buyer.get_by_test_id("action-item").filter(has_text="Share the branch stock report")
    await card.get_by_label("Status of Share the branch stock report").select_option("DONE")
    await expect(buyer.get_by_test_id("column-DONE")).to_contain_text(
        "Share the branch stock report"
    )
    await expect(kam.get_by_test_id("column-DONE")).to_contain_text("Share the branch stock report")
    await expect(kam.get_by_test_id("column-OPEN")).not_to_contain_text(
        "Share the branch stock report"
    )
    await shot(kam, "10-action-board")
    # Items the buyer does not own stay read-only for them.
    other = buyer.get_by_test_id("action-item").filter(has_text="volume forecast per branch")
    await expect(other.get_by_role("combobox")).to_be_disabled()
    await shot(buyer, "11-action-board-customer")


async def edit_objective(page: Page, title: str, new_title: str) -> None:
    await page.get_by_role("button", name=f"Edit the title of {title}").click()
    await page.get_by_label("Objective title").fill(new_title)
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(objective(page, new_title)).to_be_visible()


def objective(page: Page, title: str) -> Locator:
    return page.get_by_test_id("objective-title").filter(has_text=title)


async def test_main_pages_and_their_views(people: People) -> None:
    """Every main page renders for the KAM and for a customer buyer (on a tablet), and the
    customer's pages carry nothing internal."""
    kam = await people.signed_in(KAM)
    buyer = await people.signed_in("dana.whitfield@hollis.example", width=820, height=1180)
    for section, name in (
        ("Relationships", "relationship-map"),
        ("Pipeline", "pipeline"),
    ):
        await open_workspace(kam, section)
        await kam.get_by_role("heading", level=1).wait_for()
        await shot(kam, f"12-{name}-kam")
        if section == "Relationships":  # stance and strength: the supplier's eyes only
            await expect(kam.locator(".internal-detail").first).to_be_visible()
        await open_workspace(buyer, section)
        await buyer.get_by_role("heading", level=1).wait_for()
        await shot(buyer, f"13-{name}-customer-tablet")
        await expect(buyer.locator(".badge.internal")).to_have_count(0)
        await expect(buyer.locator(".internal-detail")).to_have_count(0)
    await kam.get_by_role("link", name=re.compile("Notifications")).click()
    await kam.get_by_role("heading", name="Notifications").wait_for()
    await shot(kam, "14-notifications")
    await buyer.get_by_role("link", name=re.compile("Notifications")).click()
    await expect(buyer.get_by_test_id("notification").first).to_be_visible()
    await shot(buyer, "15-notifications-customer")


async def test_an_admin_registers_an_app_and_a_user_consents(people: People) -> None:
    admin = await people.signed_in("oskar.nyberg@nordwerk.example")
    await admin.get_by_role("link", name="Integrations").click()
    form = admin.get_by_role("form", name="Register a client")
    await form.get_by_label("Name").fill("Partner CRM")
    await form.get_by_label("Kind").select_option("APPLICATION")
    await form.get_by_label("plans:read").check()
    await form.get_by_label("Redirect URIs (applications)").fill(REDIRECT)
    await form.get_by_role("button", name="Register").click()
    await expect(admin.get_by_test_id("client-secret")).not_to_be_empty()
    client_id = (await admin.locator(".success code").first.inner_text()).strip()
    await shot(admin, "16-integrations")

    # A KAM authorizes the app: the consent page, then back to the app with a code.
    kam = await people.signed_in(KAM)
    await kam.route(f"{REDIRECT}**", lambda route: route.fulfill(status=200, body="ok"))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "scope": "plans:read",
            "state": "e2e-state",
            "code_challenge": challenge.decode(),
            "code_challenge_method": "S256",
        }
    )
    await kam.goto(f"/oauth/authorize?{query}")
    await expect(kam.get_by_text("plans:read")).to_be_visible()
    await shot(kam, "17-consent")
    await kam.get_by_role("button", name="Allow").click()
    await kam.wait_for_url(re.compile(r"^https://crm\.example\.com/callback\?"))
    assert "code=" in kam.url and "state=e2e-state" in kam.url


async def test_settings_calendar_feed_and_a_weekly_series(people: People, portal: Portal) -> None:
    kam = await people.signed_in(KAM)
    await kam.get_by_role("link", name="Your settings").click()
    profile = kam.get_by_role("form", name="Your profile")
    await profile.get_by_label("Time zone").select_option("Europe/Berlin")
    await profile.get_by_role("button", name="Save").click()
    await expect(kam.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    await kam.get_by_role("button", name="Create a feed address").click()
    url = (await kam.get_by_test_id("feed-url").inner_text()).strip()
    await shot(kam, "18-settings")
    async with httpx.AsyncClient() as http:
        feed = await http.get(url)
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR"), feed.text[:200]

    # A weekly call at 09:00 Berlin time, scheduled eight weeks ahead.
    day = days_from_today(7)
    await open_workspace(kam, "Meetings")
    form = kam.get_by_role("form", name="Schedule a meeting")
    await form.get_by_label("Title").fill("Ops sync")
    await form.get_by_label("Starts").fill(f"{day.isoformat()}T09:00")
    await form.get_by_label("Repeat every week").check()
    await form.get_by_role("button", name="Schedule").click()
    sync = kam.get_by_role("listitem").filter(has_text="Ops sync")
    await expect(sync.first).to_be_visible()
    assert await sync.count() >= 5
    for text in await sync.all_inner_texts():
        assert ", 09:00" in text, text
    await shot(kam, "19-meetings-with-series")

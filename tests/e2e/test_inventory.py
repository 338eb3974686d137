"""Inventory in a real browser: Toledo Branch 22 is running out of its best seller. The buyer
reads the stock board and why the proposal orders what it does, approves it; the KAM sees the
order placed and confirms it; the buyer sees it confirmed. Neither side's stock pages show
anything internal (the assortment's cost and margin)."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.clock import days_from_today
from tests.e2e.conftest import BUYER, KAM, People, shot
from tests.e2e.test_workspace import open_workspace

BRANCH = "Toledo Branch 22"
SKU = "NW-PV-015"
PRODUCT = f"{SKU} Press valve DN15"
# The assortment's internal figures (cost per unit, margin): never on a stock page.
INTERNAL = re.compile(r"margin|\bcost\b|8\.40", re.IGNORECASE)


async def open_stock(page: Page, tab: str | None = None) -> None:
    await open_workspace(page, "Stock")
    await page.get_by_role("heading", name="Stock board").wait_for()
    if tab:
        await page.get_by_role("navigation", name="Stock").get_by_role("link", name=tab).click()


async def nothing_internal(page: Page) -> None:
    await expect(page.get_by_text(INTERNAL)).to_have_count(0)
    await expect(page.locator(".badge.internal")).to_have_count(0)


async def test_buyer_approves_a_proposal_the_kam_confirms_as_an_order(people: People) -> None:
    buyer = await people.signed_in(BUYER)
    kam = await people.signed_in(KAM)

    # The board: the branch is red on the product, rolled up the tree.
    await open_stock(buyer)
    await buyer.get_by_test_id("location-node").filter(has_text=BRANCH).click()
    stock = buyer.get_by_test_id("location-stock")
    await expect(stock.get_by_role("heading", name=BRANCH)).to_be_visible()
    position = stock.get_by_test_id("position").filter(has_text=SKU)
    await expect(position.locator("[data-status]")).to_have_attribute("data-status", "RED")
    await expect(stock.get_by_test_id("stock-alert").filter(has_text=SKU)).to_be_visible()
    await shot(buyer, "20-stock-board")
    await nothing_internal(buyer)

    # The product: its days on a chart, its policy and who sets what.
    await position.get_by_role("link", name=SKU).click()
    await expect(buyer.get_by_role("heading", name=PRODUCT)).to_be_visible()
    await expect(buyer.get_by_role("img", name=re.compile(f"{SKU} at {BRANCH}"))).to_be_visible()
    await expect(buyer.get_by_role("button", name="Change Service level")).to_be_visible()
    await expect(
        buyer.get_by_role("button", name="Propose a change of Lead time (days)")
    ).to_be_visible()
    await shot(buyer, "21-product-stock")
    await nothing_internal(buyer)

    # The KAM reads the proposal but does not decide it: the customer approves.
    await open_stock(kam, "Proposals")
    kam_proposal = kam.get_by_test_id("proposal").filter(has_text=BRANCH)
    await expect(kam_proposal.get_by_test_id("proposal-line").filter(has_text=SKU)).to_be_visible()
    await expect(kam.get_by_role("button", name="Submit decisions")).to_have_count(0)
    await nothing_internal(kam)

    # The buyer reads why this quantity, approves, and an order is placed.
    await open_stock(buyer, "Proposals")
    proposal = buyer.get_by_test_id("proposal").filter(has_text=BRANCH)
    line = proposal.get_by_test_id("proposal-line").filter(has_text=SKU)
    await line.get_by_text("Why this quantity").click()
    why = line.get_by_label(f"Why this quantity of {PRODUCT}")
    await expect(why).to_contain_text("Inventory position")
    await expect(why).to_contain_text("ROP = d̄ · L + SS")
    await expect(why.get_by_test_id("step").first).to_be_visible()
    await shot(buyer, "22-proposal-review")
    await nothing_internal(buyer)
    await proposal.get_by_role("button", name="Approve all").click()
    await expect(line.get_by_role("radio", name=f"Approve {PRODUCT}")).to_be_checked()
    await proposal.get_by_role("button", name="Submit decisions").click()
    decided = buyer.get_by_test_id("decided")
    await expect(decided).to_contain_text(re.compile(r"Order PO-\d+ placed"))
    number = re.search(r"PO-\d+", await decided.inner_text())
    assert number, await decided.inner_text()
    order_number = number.group(0)

    # The KAM sees the order placed and confirms it.
    await open_stock(kam, "Orders")
    order = kam.get_by_test_id("order").filter(has_text=order_number)
    await expect(order.get_by_test_id("order-status")).to_have_text("Placed")
    await expect(order).to_contain_text(BRANCH)
    await expect(order).to_contain_text(SKU)
    await order.get_by_role("button", name=f"Confirm {order_number}").click()
    await expect(order.get_by_test_id("order-status")).to_have_text("Confirmed")
    await shot(kam, "23-order-kam")
    await nothing_internal(kam)

    # The buyer sees it confirmed, and moves nothing.
    await open_stock(buyer, "Orders")
    mine = buyer.get_by_test_id("order").filter(has_text=order_number)
    await expect(mine.get_by_test_id("order-status")).to_have_text("Confirmed")
    await expect(mine.get_by_role("button")).to_have_count(0)
    await shot(buyer, "24-order-customer")
    await nothing_internal(buyer)


async def open_product(page: Page) -> None:
    await open_stock(page)
    await page.get_by_test_id("location-node").filter(has_text=BRANCH).click()
    position = page.get_by_test_id("position").filter(has_text=SKU)
    await position.get_by_role("link", name=SKU).click()
    await expect(page.get_by_role("heading", name=PRODUCT)).to_be_visible()


async def test_the_buyer_proposes_a_supplier_parameter_and_the_kam_accepts(people: People) -> None:
    buyer = await people.signed_in(BUYER)
    kam = await people.signed_in(KAM)
    await open_product(buyer)
    # The lead time is the supplier's: the buyer proposes, with a reason.
    await buyer.get_by_role("button", name="Propose a change of Lead time (days)").click()
    form = buyer.get_by_role("form", name="Propose Lead time (days)")
    await form.get_by_label("Lead time (days)").fill("seven")
    await form.get_by_role("button", name="Propose").click()
    await expect(buyer.get_by_role("alert")).to_contain_text("Enter a whole number")
    await form.get_by_label("Lead time (days)").fill("7")
    await form.get_by_label("Reason").fill("The carrier change adds two days")
    await form.get_by_role("button", name="Propose").click()
    request = buyer.get_by_test_id("change-request")
    await expect(request).to_contain_text("The carrier change adds two days")
    await expect(request.get_by_role("button", name="Withdraw")).to_be_visible()
    await expect(request.get_by_role("button", name="Accept")).to_have_count(0)

    # The KAM owns it: accepts, and the policy reads the new lead time.
    await open_product(kam)
    await expect(kam.get_by_role("button", name="Change Lead time (days)")).to_be_visible()
    await expect(kam.get_by_role("button", name="Change Service level")).to_have_count(0)
    theirs = kam.get_by_test_id("change-request")
    await expect(theirs).to_contain_text("Dana Whitfield")
    await shot(kam, "26-policy-change-request")
    await theirs.get_by_role("button", name="Accept").click()
    await expect(kam.get_by_test_id("change-request")).to_have_count(0)
    await expect(kam.get_by_test_id("parameter-LEAD_TIME_DAYS")).to_contain_text("7")
    await nothing_internal(kam)


async def test_a_stock_file_is_checked_row_by_row(people: People) -> None:
    buyer = await people.signed_in(BUYER)
    await open_stock(buyer, "Upload stock")
    today = days_from_today(0).isoformat()
    body = (
        "location_code,sku,as_of,on_hand,sold\n"
        f"NOWHERE-1,{SKU},{today},30,4\n"
        f"NOWHERE-1,NW-PV-022,not-a-date,10,1\n"
    )
    form = buyer.get_by_role("form", name="Upload a stock file")
    await form.get_by_role("button", name="Upload").click()
    await expect(form.get_by_role("alert")).to_contain_text("Choose a file to upload.")
    await form.get_by_label("Stock file").set_input_files(
        files=[{"name": "stock.csv", "mimeType": "text/csv", "buffer": body.encode()}]
    )
    await expect(form.get_by_label("Format")).to_have_value("csv")
    await form.get_by_role("button", name="Upload").click()
    result = buyer.get_by_test_id("upload-result")
    await expect(result.get_by_role("alert")).to_contain_text("Nothing was recorded")
    errors = result.get_by_role("table", name="Errors by row")
    await expect(errors).to_contain_text("No location has this code")
    rows = await errors.locator("tbody tr td:first-child").all_inner_texts()
    assert set(rows) == {"2", "3"}, rows
    await expect(form.get_by_role("progressbar")).to_have_attribute("value", "100")
    await shot(buyer, "25-stock-upload")
    # The same file with Toledo's branch code, keeping the valid rows: one is recorded.
    fixed = body.replace("NOWHERE-1,", "B22,", 1)
    await form.get_by_label("Record the valid rows only").check()
    await form.get_by_label("Stock file").set_input_files(
        files=[{"name": "stock.csv", "mimeType": "text/csv", "buffer": fixed.encode()}]
    )
    await form.get_by_role("button", name="Upload").click()
    await expect(result).to_contain_text("1 of 2 rows recorded")


async def test_scorecards_roll_up_the_locations(people: People) -> None:
    """The KAM reads each location's figures rolled up to the headquarters, and what sells
    across the account; the buyer reads the same, nothing internal."""
    for who in (KAM, BUYER):
        page = await people.signed_in(who)
        await open_stock(page, "Scorecards")
        table = page.get_by_role("table", name="Scorecards by location")
        for place in ("Hollis HQ", "Great Lakes District", BRANCH, "Detroit Branch 14"):
            await expect(table.get_by_role("rowheader", name=place)).to_be_visible()
        hq = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Hollis HQ"))
        await expect(hq.get_by_role("cell").first).to_have_text(re.compile(r"\d+(\.\d)? %"))
        sold = page.get_by_role("table", name="Sell-through")
        await expect(sold).to_contain_text(SKU)
        await nothing_internal(page)
        if who == KAM:
            await shot(page, "27-scorecards")

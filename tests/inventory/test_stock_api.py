"""The GraphQL API of stock: reports in, positions with their status, the stock board,
freshness, a product's history, scorecards and sell-through; who sees what of them.

Account a (stock_support): branches A-1 and A-2 under a district, under the region, under
HQ; SKU-1 and SKU-2 shared, SKU-3 internal. Ten days of reports ending an hour ago:

    A-1 SKU-1  sold 100 (10/day), 40 on hand                      RED (40 <= 10 · 7)
    A-1 SKU-2  sold 10 (1/day), 8 on hand, min/max 10..50         YELLOW (8 <= min 10)
    A-1 SKU-3  (internal, the KAM reports it) 0 on hand           RED, the supplier's alone
    A-2 SKU-1  sold 10 (1/day), 100 on hand                       GREEN
    A-2 SKU-2  sold 10 (1/day), 5 on hand + 5 on order, a reorder-point policy with a lead
               time deviation of 2 days: SS = z(0.95) · √(1 · 2²) = 3.29, ROP = 10.29
               YELLOW (10 <= 10.29, 10 > 7)"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from kamp.accounts.models import Role
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.conftest import count_statements
from tests.inventory.stock_support import stock_world
from tests.inventory.support import policy
from tests.support import error_codes, gid, gql, snapshot

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)

RECORD = """mutation($input: RecordStockReportsInput!) { recordStockReports(input: $input) {
  accepted rejected rowErrors { row field message code } errors { field message code } } }"""
POSITIONS = """query($ws: ID!, $location: ID, $first: Int, $after: String) {
  stockPositions(workspaceId: $ws, locationId: $location, first: $first, after: $after) {
  nodes { product { sku } location { code } onHand inventoryPosition averageDailyDemand
  leadTimeDays leadTimeDemand safetyStock reorderPoint orderUpTo daysOfSupply
  projectedStockoutDate status policy { id method } }
  pageInfo { hasNextPage endCursor } } }"""
SUMMARY = """{ red yellow green positions freshness unreportedLocations latestReport
  figures { fillRate stockoutDays turns daysOfSupply sold onHand } }"""
BOARD = f"""query($ws: ID!, $location: ID!) {{ stockBoard(workspaceId: $ws, locationId: $location) {{
  location {{ id name }} own {SUMMARY} total {SUMMARY} childCount
  children {{ location {{ id code }} own {SUMMARY} total {SUMMARY} childCount }} }} }}"""
FRESHNESS = """query($ws: ID!) { locationFreshness(workspaceId: $ws) {
  location { id code } lastReport ageSeconds badge } }"""
HISTORY = """query($ws: ID!, $location: ID!, $product: ID!, $days: Int) {
  productStockHistory(workspaceId: $ws, locationId: $location, productId: $product,
  days: $days) { product { sku } position { status reorderPoint }
  points { day onHand reported demand stockout reorderPoint } } }"""
SCORECARDS = """query($ws: ID!) { stockScorecards(workspaceId: $ws) { location { id }
  own { sold onHand } total { sold onHand fillRate stockoutDays }
  children { location { id } total { sold onHand } children { location { id }
  total { sold onHand } children { location { code } own { sold onHand } } } } } }"""
SELL_THROUGH = """query($ws: ID!, $location: ID, $first: Int, $after: String) {
  sellThrough(workspaceId: $ws, locationId: $location, first: $first, after: $after) {
  nodes { product { sku } sold } pageInfo { hasNextPage endCursor } } }"""


def _rows(*rows: dict) -> list[dict]:
    at = (NOW - timedelta(hours=1)).isoformat()
    return [{"asOf": at, "periodDays": 10, **r} for r in rows]


@pytest.fixture
async def reported(runtime, world, clients, clock):
    clock.travel(NOW)
    stock = await stock_world(runtime, world)
    sku = {name: gid("Product", pid) for name, pid in stock.products.items()}
    a1, a2 = (gid("Location", stock.branches[c]) for c in ("A-1", "A-2"))
    await policy(runtime, world.a, a1, sku["SKU-2"], method="MIN_MAX", minQty=10, maxQty=50)
    await policy(runtime, world.a, a2, sku["SKU-2"], leadTimeSdDays=Decimal(2))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    rows = _rows(
        {"locationCode": "A-1", "sku": "SKU-1", "sold": 100, "onHand": 40},
        {"locationCode": "A-1", "itemNumber": "C-200", "sold": 10, "onHand": 8},
        {"locationId": a2, "productId": sku["SKU-1"], "sold": 10, "onHand": 100},
        {"locationCode": "A-2", "sku": "SKU-2", "sold": 10, "onHand": 5, "onOrder": 5},
    )
    result = await gql(
        buyer, RECORD, {"input": {"workspaceId": world.a.workspace_gid, "rows": rows}}
    )
    assert result["data"]["recordStockReports"]["accepted"] == 4, result
    kam = await clients.as_user(world.a.email(Role.KAM))
    internal = _rows({"locationCode": "A-1", "sku": "SKU-3", "onHand": 0, "sold": 30})
    done = await gql(
        kam, RECORD, {"input": {"workspaceId": world.a.workspace_gid, "rows": internal}}
    )
    assert done["data"]["recordStockReports"]["accepted"] == 1, done
    return {"stock": stock, "sku": sku, "a1": a1, "a2": a2, "buyer": buyer, "kam": kam}


def _statuses(nodes: list[dict]) -> dict[tuple[str, str], str]:
    return {(n["location"]["code"], n["product"]["sku"]): n["status"] for n in nodes}


async def test_positions_carry_their_policy_arithmetic_and_status(reported, world):
    ws = world.a.workspace_gid
    kam = (await gql(reported["kam"], POSITIONS, {"ws": ws}))["data"]["stockPositions"]
    assert _statuses(kam["nodes"]) == {
        ("A-1", "SKU-1"): "RED",
        ("A-1", "SKU-2"): "YELLOW",
        ("A-1", "SKU-3"): "RED",
        ("A-2", "SKU-1"): "GREEN",
        ("A-2", "SKU-2"): "YELLOW",
    }
    buyer = (await gql(reported["buyer"], POSITIONS, {"ws": ws}))["data"]["stockPositions"]
    assert ("A-1", "SKU-3") not in _statuses(buyer["nodes"])
    assert len(buyer["nodes"]) == 4
    by_key = {(n["location"]["code"], n["product"]["sku"]): n for n in buyer["nodes"]}
    rop = by_key[("A-2", "SKU-2")]
    assert (rop["inventoryPosition"], rop["leadTimeDays"], rop["leadTimeDemand"]) == (10, 7, 7.0)
    assert round(rop["safetyStock"], 2) == 3.29 and round(rop["reorderPoint"], 2) == 10.29
    assert round(rop["orderUpTo"], 2) == 17.29  # 1 · (7 + 7) + 3.29
    assert rop["policy"]["method"] == "REORDER_POINT"
    minmax = by_key[("A-1", "SKU-2")]
    assert (minmax["reorderPoint"], minmax["orderUpTo"]) == (10.0, 50.0)
    red = by_key[("A-1", "SKU-1")]
    assert (red["averageDailyDemand"], red["daysOfSupply"], red["policy"]) == (10.0, 4.0, None)
    assert red["projectedStockoutDate"] == "2026-05-08"
    # Pages of two, in (location, product) order, through the cursor.
    seen, after = [], None
    while True:
        page = await gql(reported["buyer"], POSITIONS, {"ws": ws, "first": 2, "after": after})
        conn = page["data"]["stockPositions"]
        seen += conn["nodes"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == buyer["nodes"]
    one = await gql(reported["buyer"], POSITIONS, {"ws": ws, "location": reported["a2"]})
    assert {n["location"]["code"] for n in one["data"]["stockPositions"]["nodes"]} == {"A-2"}
    forged = await gql(reported["buyer"], POSITIONS, {"ws": ws, "after": "bm9wZQ"})
    assert error_codes(forged) == ["BAD_USER_INPUT"]


async def test_the_board_rolls_the_subtree_up(reported, world):
    ws, hq = world.a.workspace_gid, gid("Location", world.a.hq.id)
    kam = (await gql(reported["kam"], BOARD, {"ws": ws, "location": hq}))["data"]["stockBoard"]
    total = kam["total"]
    assert (total["red"], total["yellow"], total["green"], total["positions"]) == (2, 2, 1, 5)
    assert total["freshness"] == "FRESH" and total["unreportedLocations"] == 0
    assert (kam["own"]["positions"], kam["own"]["freshness"], kam["childCount"]) == (
        0,
        "NO_DATA",
        1,
    )
    assert total["figures"]["sold"] == 160.0 and total["figures"]["onHand"] == 153
    [region] = kam["children"]
    assert region["location"]["id"] == gid("Location", world.a.region.id)
    assert region["total"]["red"] == 2 and region["childCount"] == 1
    buyer = await gql(reported["buyer"], BOARD, {"ws": ws, "location": hq})
    seen = buyer["data"]["stockBoard"]["total"]
    # The internal product counts for the supplier alone.
    assert (seen["red"], seen["yellow"], seen["green"]) == (1, 2, 1)
    assert seen["figures"]["sold"] == 130.0 and seen["figures"]["onHand"] == 153
    board = await gql(reported["buyer"], BOARD, {"ws": ws, "location": reported["a1"]})
    a1 = board["data"]["stockBoard"]
    assert (a1["own"]["red"], a1["own"]["yellow"], a1["children"]) == (1, 1, [])
    # A location of another workspace, or none, answers null.
    other = gid("Location", world.b.hq.id)
    for location in (other, gid("Location", uuid.uuid4())):
        answer = await gql(reported["kam"], BOARD, {"ws": ws, "location": location})
        assert answer == {"data": {"stockBoard": None}}


async def test_board_statuses_agree_with_the_positions(reported, world):
    """The board counts in SQL what the list computes with arithmetic.py."""
    ws = world.a.workspace_gid
    for http in (reported["kam"], reported["buyer"]):
        nodes = (await gql(http, POSITIONS, {"ws": ws, "first": 100}))["data"]["stockPositions"]
        for code in ("A-1", "A-2"):
            location = reported[code.lower().replace("-", "")]
            own = (await gql(http, BOARD, {"ws": ws, "location": location}))["data"]
            counted = own["stockBoard"]["own"]
            listed = [n["status"] for n in nodes["nodes"] if n["location"]["code"] == code]
            assert [counted[s.lower()] for s in ("RED", "YELLOW", "GREEN")] == [
                listed.count(s) for s in ("RED", "YELLOW", "GREEN")
            ]


async def test_freshness_history_scorecards_and_sell_through(reported, world, clock):
    ws = world.a.workspace_gid
    fresh = (await gql(reported["buyer"], FRESHNESS, {"ws": ws}))["data"]["locationFreshness"]
    badges = {f["location"]["code"] or f["location"]["id"]: f["badge"] for f in fresh}
    assert badges["A-1"] == badges["A-2"] == "FRESH"
    assert [f["badge"] for f in fresh][:3] == ["NO_DATA"] * 3  # HQ, region, district
    assert all(3600 <= f["ageSeconds"] < 3700 for f in fresh if f["badge"] == "FRESH")

    variables = {"ws": ws, "location": reported["a2"], "product": reported["sku"]["SKU-2"]}
    history = (await gql(reported["buyer"], HISTORY, {**variables, "days": 14}))["data"]
    points = history["productStockHistory"]["points"]
    assert len(points) == 14 and points[-1]["day"] == "2026-05-04"
    # The report is dated 2026-05-04 (an hour ago) and covers ten days to it.
    assert [p["onHand"] for p in points] == [None] * 13 + [5]
    assert [p["demand"] for p in points] == [None] * 4 + [1.0] * 10
    assert {round(p["reorderPoint"], 2) for p in points} == {10.29}
    for days in (6, 367):
        refused = await gql(reported["buyer"], HISTORY, {**variables, "days": days})
        assert error_codes(refused) == ["USER_ERROR"]
    # The internal product's history answers as a product the account does not buy.
    hidden = {**variables, "location": reported["a1"], "product": reported["sku"]["SKU-3"]}
    assert (await gql(reported["buyer"], HISTORY, hidden))["data"]["productStockHistory"] is None
    assert (await gql(reported["kam"], HISTORY, hidden))["data"]["productStockHistory"]
    missing = {**hidden, "product": gid("Product", uuid.uuid4())}
    assert (await gql(reported["kam"], HISTORY, missing))["data"]["productStockHistory"] is None

    # Scorecards through the API: HQ > region > district > branches, rolled up.
    [hq] = (await gql(reported["buyer"], SCORECARDS, {"ws": ws}))["data"]["stockScorecards"]
    assert hq["own"] == {"sold": 0.0, "onHand": 0}
    assert (hq["total"]["sold"], hq["total"]["onHand"]) == (130.0, 153)
    [district] = hq["children"][0]["children"]
    assert district["total"] == {"sold": 130.0, "onHand": 153}
    branches = {b["location"]["code"]: b["own"] for b in district["children"]}
    assert branches == {"A-1": {"sold": 110.0, "onHand": 48}, "A-2": {"sold": 20.0, "onHand": 105}}
    [kam_hq] = (await gql(reported["kam"], SCORECARDS, {"ws": ws}))["data"]["stockScorecards"]
    assert kam_hq["total"]["sold"] == 160.0

    sold = (await gql(reported["buyer"], SELL_THROUGH, {"ws": ws}))["data"]["sellThrough"]
    assert [(n["product"]["sku"], n["sold"]) for n in sold["nodes"]] == [
        ("SKU-1", 110.0),
        ("SKU-2", 20.0),
    ]
    first = await gql(reported["kam"], SELL_THROUGH, {"ws": ws, "first": 1})
    page = first["data"]["sellThrough"]
    assert [n["product"]["sku"] for n in page["nodes"]] == ["SKU-1"]
    rest = await gql(
        reported["kam"], SELL_THROUGH, {"ws": ws, "after": page["pageInfo"]["endCursor"]}
    )
    assert [n["product"]["sku"] for n in rest["data"]["sellThrough"]["nodes"]] == [
        "SKU-3",
        "SKU-2",
    ]
    at = await gql(reported["buyer"], SELL_THROUGH, {"ws": ws, "location": reported["a2"]})
    assert [n["sold"] for n in at["data"]["sellThrough"]["nodes"]] == [10.0, 10.0]


async def test_all_or_nothing_writes_nothing(reported, world, runtime):
    ws = world.a.workspace_gid
    rows = _rows(
        {"locationCode": "A-1", "sku": "SKU-1", "onHand": 1},
        {"locationCode": "A-9", "sku": "SKU-1", "onHand": -1},
        {"locationCode": "A-2", "sku": "SKU-3", "onHand": 2},  # internal: not the buyer's
        {"locationId": gid("Product", uuid.uuid4()), "sku": "SKU-1", "onHand": 2},
    )
    before = await snapshot(runtime.session_factory)
    result = await gql(reported["buyer"], RECORD, {"input": {"workspaceId": ws, "rows": rows}})
    assert await snapshot(runtime.session_factory) == before
    payload = result["data"]["recordStockReports"]
    assert (payload["accepted"], payload["rejected"]) == (0, 3)
    assert [(e["row"], e["field"], e["code"]) for e in payload["rowErrors"]] == [
        (2, "location", "NOT_FOUND"),
        (2, "onHand", "INVALID"),
        (3, "product", "NOT_FOUND"),
        (4, "location", "INVALID"),
    ]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("rows", "INVALID")]
    # VALID_ROWS records the good row and reports the others.
    valid = {"workspaceId": ws, "rows": rows, "mode": "VALID_ROWS"}
    payload = (await gql(reported["buyer"], RECORD, {"input": valid}))["data"]
    assert payload["recordStockReports"]["accepted"] == 1
    assert payload["recordStockReports"]["errors"] == []
    # More than 1,000 rows a call is refused whole.
    many = _rows(*[{"locationCode": "A-1", "sku": "SKU-1", "onHand": 1}] * 1001)
    before = await snapshot(runtime.session_factory)
    big = await gql(reported["buyer"], RECORD, {"input": {"workspaceId": ws, "rows": many}})
    assert big["data"]["recordStockReports"]["errors"][0]["field"] == "rows"
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize(
    "role", [Role.MENTOR, Role.SUPPLIER_EXECUTIVE, Role.CUSTOMER_EXECUTIVE, Role.KAM]
)
async def test_only_stock_reporters_record(reported, world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    ws = world.a.workspace_gid
    board = await gql(http, BOARD, {"ws": ws, "location": gid("Location", world.a.hq.id)})
    assert board["data"]["stockBoard"]["total"]["positions"] >= 4  # everyone reads
    rows = _rows({"locationCode": "A-1", "sku": "SKU-1", "onHand": 1})
    before = await snapshot(runtime.session_factory)
    result = await gql(http, RECORD, {"input": {"workspaceId": ws, "rows": rows}})
    if role == Role.KAM:
        assert result["data"]["recordStockReports"]["accepted"] == 1
        return
    assert error_codes(result) == ["FORBIDDEN"], result
    assert await snapshot(runtime.session_factory) == before


async def test_another_account_gets_what_a_random_workspace_gets(reported, world, clients):
    http = await clients.as_user(world.b.email(Role.KAM))
    ws, hq = world.a.workspace_gid, gid("Location", world.a.hq.id)
    random = gid("Workspace", uuid.uuid4())
    for query, variables in (
        (POSITIONS, {}),
        (BOARD, {"location": hq}),
        (FRESHNESS, {}),
        (SCORECARDS, {}),
        (SELL_THROUGH, {}),
        (HISTORY, {"location": reported["a1"], "product": reported["sku"]["SKU-1"]}),
    ):
        answers = [await gql(http, query, {"ws": w, **variables}) for w in (ws, random)]
        assert error_codes(answers[0]) == ["NOT_FOUND"], (query, answers[0])
        assert answers[0] == answers[1]
    for workspace in (ws, random):
        rows = _rows({"locationCode": "A-1", "sku": "SKU-1", "onHand": 1})
        refused = await gql(http, RECORD, {"input": {"workspaceId": workspace, "rows": rows}})
        assert refused["data"]["recordStockReports"]["errors"] == [
            {"field": "workspaceId", "message": "Not found.", "code": "NOT_FOUND"}
        ]


async def _token(runtime, clients, client, world, role, scope):
    app = await make_client(runtime, world.admin, scopes=tuple(scope.split()))
    browser = await clients.as_user(world.a.email(role))
    code, verifier = await get_code(browser, app, scope=scope)
    response = await exchange(client, app, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER])
async def test_tokens_read_and_write_what_their_scopes_allow(
    reported, world, clients, client, runtime, role
):
    ws, hq = world.a.workspace_gid, gid("Location", world.a.hq.id)
    blind = await _token(runtime, clients, client, world, role, "openid plans:read")
    for query, variables in ((POSITIONS, {}), (BOARD, {"location": hq}), (FRESHNESS, {})):
        result = await bearer_gql(client, blind, query, {"ws": ws, **variables})
        assert error_codes(result) == ["FORBIDDEN"], result
    reader = await _token(runtime, clients, client, world, role, "openid inventory:read")
    seen = await bearer_gql(client, reader, BOARD, {"ws": ws, "location": hq})
    assert seen["data"]["stockBoard"]["total"]["positions"] in (4, 5)
    rows = _rows({"locationCode": "A-1", "sku": "SKU-1", "onHand": 1})
    before = await snapshot(runtime.session_factory)
    result = await bearer_gql(client, reader, RECORD, {"input": {"workspaceId": ws, "rows": rows}})
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before
    writer = await _token(runtime, clients, client, world, role, "openid inventory:write")
    written = await bearer_gql(client, writer, RECORD, {"input": {"workspaceId": ws, "rows": rows}})
    assert written["data"]["recordStockReports"]["accepted"] == 1


async def test_the_board_costs_the_same_statements_for_3_or_300_products(
    reported, world, runtime, clients
):
    """The board of a location reads a constant number of statements, however many
    products its subtree holds."""
    from kamp.inventory.models import AssortmentItem, Product, StockPosition, UnitOfSale

    ws, hq = world.a.workspace_gid, gid("Location", world.a.hq.id)
    kam = reported["kam"]

    async def board_statements() -> tuple[int, dict]:
        with count_statements(runtime.engine) as counter:
            result = await gql(kam, BOARD, {"ws": ws, "location": hq})
        return counter.count, result["data"]["stockBoard"]["total"]

    small, _ = await board_statements()
    async with runtime.session_factory() as session:
        branch = reported["stock"].branches["A-2"]
        for n in range(300):
            made = Product(
                supplier_id=world.supplier.id,
                sku=f"BULK-{n}",
                name=f"Bulk {n}",
                unit_of_sale=UnitOfSale.PIECE,
                version=1,
            )
            session.add(made)
            await session.flush()
            session.add(
                AssortmentItem(workspace_id=world.a.workspace.id, product_id=made.id, version=1)
            )
            session.add(
                StockPosition(
                    location_id=branch,
                    product_id=made.id,
                    workspace_id=world.a.workspace.id,
                    report_id=uuid.uuid4(),
                    as_of=NOW - timedelta(hours=2),
                    on_hand=n % 3,
                    demand_mean=0.0,
                    updated_at=NOW,
                )
            )
        await session.commit()
    large, total = await board_statements()
    assert total["positions"] == 305 and total["green"] == 201
    assert large == small
    # 9 on SQLite and PostgreSQL: 3 resolve the signed-in principal, 6 are the board's.
    assert large <= 9, large


async def test_a_stock_alert_links_its_product(reported, world, runtime):
    from kamp.inventory import alerts

    a1, sku1 = reported["a1"], reported["sku"]["SKU-1"]
    await policy(runtime, world.a, a1, sku1)  # 40 on hand < 10 a day over 7 days
    async with runtime.session_factory() as session:
        assert await alerts.check_stock(session) == 1
        await session.commit()
    query = """query($ws: ID!) { stockAlerts(workspaceId: $ws) {
      kind sku productName product { id sku } } }"""
    result = await gql(reported["buyer"], query, {"ws": world.a.workspace_gid})
    assert result["data"]["stockAlerts"] == [
        {
            "kind": "STOCKOUT_RISK",
            "sku": "SKU-1",
            "productName": "Product SKU-1",
            "product": {"id": sku1, "sku": "SKU-1"},
        }
    ]

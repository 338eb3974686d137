"""Who sees and touches the catalogue, the assortment and stock policies.

Account a holds a shared item and an internal one (its product in no other assortment), a
shared policy with a proposed change, and an internal policy with its own. Every role of a
sees the shared ones; only the supplier sees the internal ones, in lists, by ID, in history,
recent changes and live events. Another account, a random ID and a hidden one answer alike.
A token with inventory:read alone writes nothing; one without inventory scopes reads nothing;
an app limited to another key account gets nothing."""

from __future__ import annotations

import uuid
from contextlib import AsyncExitStack

import pytest

from kamp.accounts.models import Role, Side
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.inventory.support import (
    ACCEPT,
    ASSORTMENT,
    CHANGES,
    CREATE_POLICY,
    CREATE_PRODUCT,
    NODE,
    POLICIES,
    PRODUCTS,
    PROPOSE,
    UPDATE_ITEM,
    UPDATE_POLICY,
    assortment_item,
    ok,
    policy,
    product,
)
from tests.inventory.test_catalogue import refused
from tests.realtime.support import next_message, serve, subscription
from tests.support import error_codes, gid, gql, snapshot

RECENT = """query($ws: ID!) { recentChanges(workspaceId: $ws, first: 50) { nodeType nodeId
  entry { action field before after } } }"""


def _supplier(role: Role) -> bool:
    return role.side == Side.SUPPLIER


@pytest.fixture
async def stock(runtime, world):
    """Account a's inventory, by name: global IDs."""
    shared_product = await product(runtime, world, sku="SHARED-1")
    hidden_product = await product(runtime, world, sku="HIDDEN-1")
    shared_item = await assortment_item(
        runtime, world.a, shared_product["id"], cost="2.5", marginPct="18"
    )
    hidden_item = await assortment_item(
        runtime, world.a, hidden_product["id"], visibility="INTERNAL"
    )
    hq = gid("Location", world.a.hq.id)
    shared_policy = await policy(runtime, world.a, hq, shared_product["id"], minQty=1)
    return {
        "shared_product": shared_product["id"],
        "hidden_product": hidden_product["id"],
        "shared_item": shared_item["id"],
        "hidden_item": hidden_item["id"],
        "shared_policy": shared_policy["id"],
    }


@pytest.fixture
async def changes(stock, world, clients):
    """A change proposed to each policy, by the KAM."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    made = {}
    for name in ("shared",):
        proposal = {"policyId": stock[f"{name}_policy"], "parameter": "MAX_QTY", "value": "50"}
        made[f"{name}_change"] = (await ok(kam, PROPOSE, {"input": proposal}))["id"]
    return {**stock, **made}


HIDDEN = {"hidden_product", "hidden_item"}


@pytest.mark.parametrize("role", list(Role))
async def test_by_id_and_in_lists(changes, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    for name, node_id in changes.items():
        node = (await gql(http, NODE, {"id": node_id}))["data"]["node"]
        if name in HIDDEN and not _supplier(role):
            assert node is None, (role, name)
        else:
            assert node is not None and node["id"] == node_id, (role, name)
    ws = world.a.workspace_gid
    listed = {
        "product": (await gql(http, PRODUCTS, {}))["data"]["products"]["nodes"],
        "item": (await gql(http, ASSORTMENT, {"ws": ws}))["data"]["assortment"]["nodes"],
        "policy": (await gql(http, POLICIES, {"ws": ws}))["data"]["stockPolicies"]["nodes"],
        "change": (await gql(http, CHANGES, {"ws": ws}))["data"]["parameterChanges"]["nodes"],
    }
    for kind, nodes in listed.items():
        expected = [changes[f"shared_{kind}"]]
        if _supplier(role) and f"hidden_{kind}" in changes:
            expected.append(changes[f"hidden_{kind}"])
        assert [n["id"] for n in nodes] == expected, (role, kind)
    # A filter through a hidden product answers as one through a missing product.
    by_product = await gql(http, POLICIES, {"ws": ws, "product": changes["hidden_product"]})
    assert by_product["data"]["stockPolicies"]["nodes"] == []


@pytest.mark.parametrize("role", list(Role))
async def test_another_account_sees_and_touches_nothing(changes, world, clients, runtime, role):
    http = await clients.as_user(world.b.email(role))
    for name, node_id in changes.items():
        node = (await gql(http, NODE, {"id": node_id}))["data"]["node"]
        # The supplier's people read its whole catalogue, nothing else of another account.
        assert (node is not None) is (name.endswith("_product") and _supplier(role)), name
    for query in (ASSORTMENT, POLICIES, CHANGES):
        result = await gql(http, query, {"ws": world.a.workspace_gid})
        assert error_codes(result) == ["NOT_FOUND"], result
    # A row of account a answers exactly as a random ID does.
    for query, real, fake in (
        (
            UPDATE_POLICY,
            {"id": changes["shared_policy"], "version": 1, "leadTimeDays": 3},
            {"id": gid("StockPolicy", uuid.uuid4()), "version": 1, "leadTimeDays": 3},
        ),
        (
            UPDATE_ITEM,
            {"id": changes["shared_item"], "version": 1, "customerItemNumber": "X"},
            {"id": gid("AssortmentItem", uuid.uuid4()), "version": 1, "customerItemNumber": "X"},
        ),
        (
            ACCEPT,
            {"id": changes["shared_change"]},
            {"id": gid("ParameterChange", uuid.uuid4())},
        ),
    ):
        answers = [
            await refused(runtime, http, query, {"input": v}, code="NOT_FOUND", field="id")
            for v in (real, fake)
        ]
        assert answers[0] == answers[1]
    await refused(
        runtime,
        http,
        PROPOSE,
        {"input": {"policyId": changes["shared_policy"], "parameter": "MIN_QTY", "value": "1"}},
        code="NOT_FOUND",
        field="policyId",
    )


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE])
async def test_internal_rows_answer_the_customer_as_missing_ones(
    changes, world, clients, runtime, role
):
    http = await clients.as_user(world.a.email(role))
    code = "NOT_FOUND"
    item = {"id": changes["hidden_item"], "version": 1, "customerItemNumber": "X"}
    await refused(runtime, http, UPDATE_ITEM, {"input": item}, code=code, field="id")
    # Its product cannot be planned either: it is not in the assortment the customer sees.
    await refused(
        runtime,
        http,
        CREATE_POLICY,
        {
            "input": {
                "workspaceId": world.a.workspace_gid,
                "locationId": gid("Location", world.a.hq.id),
                "productId": changes["hidden_product"],
            }
        },
        code="FORBIDDEN" if role == Role.CUSTOMER_EXECUTIVE else "NOT_FOUND",
        field=None if role == Role.CUSTOMER_EXECUTIVE else "productId",
    )


async def test_an_internal_product_has_no_policy(changes, world, clients, runtime):
    """Both sides see every stock policy: the supplier gives none to a product it keeps
    internal, nor hides a product that has one."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    create = {
        "workspaceId": world.a.workspace_gid,
        "locationId": gid("Location", world.a.region.id),
        "productId": changes["hidden_product"],
    }
    await refused(runtime, kam, CREATE_POLICY, {"input": create}, code="INVALID", field="productId")
    hide = {"id": changes["shared_item"], "version": 1, "visibility": "INTERNAL"}
    await refused(runtime, kam, UPDATE_ITEM, {"input": hide}, code="INVALID", field="visibility")


@pytest.mark.parametrize("role", list(Role))
async def test_history_and_recent_changes(changes, world, clients, role):
    """The KAM changes the shared item's cost and priority, and the policy; customers read
    the shared changes only, and never a cost or a margin."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    await ok(
        kam,
        UPDATE_ITEM,
        {"input": {"id": changes["shared_item"], "version": 1, "cost": "3", "priority": 1}},
    )
    for name in ("shared_policy",):
        version = (await gql(kam, NODE, {"id": changes[name]}))["data"]["node"]["version"]
        await ok(
            kam,
            UPDATE_POLICY,
            {"input": {"id": changes[name], "version": version, "leadTimeDays": 5}},
        )
    http = await clients.as_user(world.a.email(role))
    recent = (await gql(http, RECENT, {"ws": world.a.workspace_gid}))["data"]["recentChanges"]
    seen_nodes = {r["nodeId"] for r in recent}
    fields = {r["entry"]["field"] for r in recent if r["nodeType"] == "AssortmentItem"}
    item = (await gql(http, NODE, {"id": changes["shared_item"]}))["data"]["node"]
    item_fields = {h["field"] for h in item["history"]["nodes"]}
    if _supplier(role):
        assert {changes[n] for n in HIDDEN - {"hidden_product"}} <= seen_nodes
        assert "cost" in fields and "cost" in item_fields
        return
    assert not {changes[n] for n in HIDDEN - {"hidden_product"}} & seen_nodes
    assert "cost" not in fields and "margin_pct" not in fields
    assert item_fields == {None, "priority"}
    assert "2.5" not in str(recent) and "2.5" not in str(item)


async def test_events(changes, world, clients, runtime):
    """Each role of a subscribes; the KAM changes the shared item's cost, then its priority,
    and proposes on the shared policy. Customers hear of the priority and
    the shared proposal only, with no internal field named."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    members = {role: await clients.as_user(world.a.email(role)) for role in Role}

    def cookie(http) -> dict[str, str]:
        return {"cookie": f"kamp_session={http.cookies['kamp_session']}"}

    ws = world.a.workspace_gid
    async with serve(runtime.app) as host, AsyncExitStack() as stack:
        sockets = {
            role: await stack.enter_async_context(subscription(host, ws, headers=cookie(http)))
            for role, http in members.items()
        }
        item = changes["shared_item"]
        await ok(kam, UPDATE_ITEM, {"input": {"id": item, "version": 1, "cost": "9"}})
        await ok(kam, UPDATE_ITEM, {"input": {"id": item, "version": 2, "priority": 2}})
        await ok(
            kam,
            PROPOSE,
            {"input": {"policyId": changes["shared_policy"], "parameter": "MIN_QTY", "value": "7"}},
        )
        received = {}
        for role, socket in sockets.items():
            count = 3 if _supplier(role) else 2
            messages = [await next_message(socket) for _ in range(count)]
            received[role] = [
                (
                    m["payload"]["data"]["workspaceEvents"]["kind"],
                    m["payload"]["data"]["workspaceEvents"]["fields"],
                )
                for m in messages
            ]
            with pytest.raises(TimeoutError):
                await next_message(socket, timeout=0.3)
    for role, events in received.items():
        if _supplier(role):
            assert [kind for kind, _ in events] == [
                "AssortmentItem.updated",
                "AssortmentItem.updated",
                "ParameterChange.created",
            ], role
        else:
            assert events == [
                ("AssortmentItem.updated", ["priority"]),
                ("ParameterChange.created", []),
            ], role


# --- tokens -------------------------------------------------------------------------------------


async def _token(runtime, clients, client, world, user, scope: str, limit=()) -> str:
    app = await make_client(
        runtime, world.admin, scopes=tuple(scope.split()), key_account_ids=limit
    )
    browser = await clients.as_user(user.email)
    code, verifier = await get_code(browser, app, scope=scope)
    response = await exchange(client, app, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER])
async def test_a_read_token_writes_nothing(changes, world, clients, client, runtime, role):
    user = world.a.users[role]
    token = await _token(runtime, clients, client, world, user, "openid inventory:read")
    ws = world.a.workspace_gid
    seen = await bearer_gql(client, token, POLICIES, {"ws": ws})
    assert changes["shared_policy"] in str(seen)
    writes = [
        (
            UPDATE_POLICY,
            {"id": changes["shared_policy"], "version": 2, "leadTimeDays": 3, "minQty": 3},
        ),
        (PROPOSE, {"policyId": changes["shared_policy"], "parameter": "MIN_QTY", "value": "4"}),
        (ACCEPT, {"id": changes["shared_change"]}),
        (UPDATE_ITEM, {"id": changes["shared_item"], "version": 1, "customerItemNumber": "T"}),
    ]
    for query, variables in writes:
        before = await snapshot(runtime.session_factory)
        result = await bearer_gql(client, token, query, {"input": variables})
        assert error_codes(result) == ["FORBIDDEN"], (query, result)
        assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("role", [Role.KAM, Role.CUSTOMER_BUYER])
async def test_a_token_without_inventory_scopes_reads_nothing(
    changes, world, clients, client, runtime, role
):
    user = world.a.users[role]
    token = await _token(runtime, clients, client, world, user, "openid plans:read plans:write")
    ws = world.a.workspace_gid
    for query in (ASSORTMENT, POLICIES, CHANGES):
        result = await bearer_gql(client, token, query, {"ws": ws})
        assert error_codes(result) in (["FORBIDDEN"], ["NOT_FOUND"]), result
    assert error_codes(await bearer_gql(client, token, PRODUCTS, {})) == ["FORBIDDEN"]
    for node_id in changes.values():
        assert (await bearer_gql(client, token, NODE, {"id": node_id}))["data"]["node"] is None


async def test_an_app_limited_to_another_account_gets_nothing(
    changes, world, clients, client, runtime
):
    every = "openid inventory:read inventory:write plans:write accounts:read"
    limit = (world.b.key_account.id,)
    tokens = {
        "admin": await _token(runtime, clients, client, world, world.admin, every, limit),
        "kam of b": await _token(
            runtime, clients, client, world, world.b.users[Role.KAM], every, limit
        ),
    }
    ws = world.a.workspace_gid
    for who, token in tokens.items():
        products = await bearer_gql(client, token, PRODUCTS, {})
        if who == "admin":  # no workspace to read: refused
            assert error_codes(products) == ["FORBIDDEN"], products
        else:  # account b's assortment, empty
            assert products["data"]["products"]["nodes"] == [], who
        for query in (ASSORTMENT, POLICIES, CHANGES):
            result = await bearer_gql(client, token, query, {"ws": ws})
            assert error_codes(result) == ["NOT_FOUND"], (who, result)
        for node_id in changes.values():
            node = (await bearer_gql(client, token, NODE, {"id": node_id}))["data"]["node"]
            assert node is None, who
        before = await snapshot(runtime.session_factory)
        made = await bearer_gql(
            client, token, CREATE_PRODUCT, {"input": {"sku": "APP-1", "name": "By an app"}}
        )
        assert error_codes(made) == ["FORBIDDEN"], made
        assert await snapshot(runtime.session_factory) == before

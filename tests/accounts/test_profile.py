"""The key account profile: industry (shared with the customer), ranking, competitive position,
revenue and the account's share of the supplier's sales (supplier-internal); who may edit it,
what each side sees, and the events each side receives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kamp.accounts.models import Organization, Role
from tests.realtime.support import next_message, serve, subscription
from tests.support import error_codes, gid, gql, snapshot

PROFILE = """query($id: ID!) { node(id: $id) { ... on KeyAccount { tier score status industry
  industryRank competitivePosition customerRevenue annualSales shareOfSupplierSales } } }"""
UPDATE = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { version tier industry industryRank competitivePosition customerRevenue annualSales
  shareOfSupplierSales } errors { field code } } }"""
HISTORY = """query($id: ID!) { keyAccountSelection(keyAccountId: $id) {
  history { nodes { score tier previousTier actor { email } } } } }"""
FULL = {
    "industry": "Building materials",
    "industryRank": 4,
    "competitivePosition": "Preferred; challenged on price",
    "customerRevenue": "640000000",
    "annualSales": "3000000",
}
INTERNAL_FIELDS = [
    "tier",
    "score",
    "status",
    "industryRank",
    "competitivePosition",
    "customerRevenue",
    "annualSales",
    "shareOfSupplierSales",
]


async def _supplier_revenue(runtime, world, amount: Decimal | None) -> None:
    async with runtime.session_factory() as session:
        supplier = await session.get(Organization, world.supplier.id)
        supplier.annual_revenue = amount
        await session.commit()


async def test_profile_and_concentration(world, clients, runtime):
    await _supplier_revenue(runtime, world, Decimal(40_000_000))
    kam = await clients.as_user(world.a.email(Role.KAM))
    account = gid("KeyAccount", world.a.key_account.id)
    result = await gql(kam, UPDATE, {"input": {"id": account, "version": 1, **FULL}})
    payload = result["data"]["updateKeyAccount"]
    assert payload["errors"] == [], result
    assert payload["keyAccount"] == {
        "version": 2,
        "tier": "STRATEGIC",
        "industry": "Building materials",
        "industryRank": 4,
        "competitivePosition": "Preferred; challenged on price",
        "customerRevenue": "640000000.00",
        "annualSales": "3000000.00",
        "shareOfSupplierSales": 7.5,  # 3 M of the supplier's 40 M
    }
    # Without the supplier's total there is no share to compute.
    await _supplier_revenue(runtime, world, None)
    profile = (await gql(kam, PROFILE, {"id": account}))["data"]["node"]
    assert profile["shareOfSupplierSales"] is None and profile["annualSales"] == "3000000.00"
    # Another account's profile is untouched and its share stays empty.
    admin = await clients.as_user(world.admin.email)
    other = (await gql(admin, PROFILE, {"id": gid("KeyAccount", world.b.key_account.id)}))["data"]
    assert other["node"]["industry"] == "" and other["node"]["shareOfSupplierSales"] is None


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE])
async def test_customers_see_the_industry_only(world, clients, runtime, role):
    await _supplier_revenue(runtime, world, Decimal(40_000_000))
    account = gid("KeyAccount", world.a.key_account.id)
    kam = await clients.as_user(world.a.email(Role.KAM))
    assert (await gql(kam, UPDATE, {"input": {"id": account, "version": 1, **FULL}}))["data"][
        "updateKeyAccount"
    ]["errors"] == []
    customer = await clients.as_user(world.a.email(role))
    seen = (await gql(customer, PROFILE, {"id": account}))["data"]["node"]
    assert seen == {"industry": "Building materials", **dict.fromkeys(INTERNAL_FIELDS)}
    listed = await gql(customer, "{ viewer { keyAccounts { nodes { industry annualSales } } } }")
    assert listed["data"]["viewer"]["keyAccounts"]["nodes"] == [
        {"industry": "Building materials", "annualSales": None}
    ]
    # The other account answers like a missing one.
    other = await gql(customer, PROFILE, {"id": gid("KeyAccount", world.b.key_account.id)})
    assert other["data"]["node"] is None


# Who edits the profile: the account's KAM and supplier admins; everyone else is refused and
# nothing changes. A KAM of another account does not even see this one.
EDITORS = [("admin", None), *(("a", role) for role in Role), ("b", Role.KAM)]


@pytest.mark.parametrize(("who", "role"), EDITORS)
async def test_who_edits_the_profile(world, clients, runtime, who, role):
    email = world.admin.email if who == "admin" else getattr(world, who).email(role)
    http = await clients.as_user(email)
    account = gid("KeyAccount", world.a.key_account.id)
    before = await snapshot(runtime.session_factory)
    result = await gql(http, UPDATE, {"input": {"id": account, "version": 1, **FULL}})
    if who == "admin" or (who == "a" and role == Role.KAM):
        assert result["data"]["updateKeyAccount"]["errors"] == [], result
        assert result["data"]["updateKeyAccount"]["keyAccount"]["industryRank"] == 4
        return
    if who == "b":
        assert result["data"]["updateKeyAccount"] == {
            "keyAccount": None,
            "errors": [{"field": "id", "code": "NOT_FOUND"}],
        }
    else:
        assert error_codes(result) == ["FORBIDDEN"], role
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("industryRank", 0),
        ("annualSales", "-1"),
        ("customerRevenue", "1e20"),
        ("industry", "x" * 101),
        ("competitivePosition", "x" * 4001),
    ],
)
async def test_profile_values_are_checked(world, clients, runtime, field, value):
    kam = await clients.as_user(world.a.email(Role.KAM))
    account = gid("KeyAccount", world.a.key_account.id)
    before = await snapshot(runtime.session_factory)
    result = await gql(kam, UPDATE, {"input": {"id": account, "version": 1, field: value}})
    [error] = result["data"]["updateKeyAccount"]["errors"]
    assert error["code"] == "INVALID"
    assert await snapshot(runtime.session_factory) == before


async def test_stale_profile_edit_conflicts(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    account = gid("KeyAccount", world.a.key_account.id)
    await gql(kam, UPDATE, {"input": {"id": account, "version": 1, "industry": "Retail"}})
    before = await snapshot(runtime.session_factory)
    stale = await gql(kam, UPDATE, {"input": {"id": account, "version": 1, "industry": "Food"}})
    payload = stale["data"]["updateKeyAccount"]
    assert payload["errors"] == [{"field": "version", "code": "CONFLICT"}]
    assert (payload["keyAccount"]["industry"], payload["keyAccount"]["version"]) == ("Retail", 2)
    assert await snapshot(runtime.session_factory) == before


async def test_tier_names_follow_the_suppliers_tiers(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    admin = await clients.as_user(world.admin.email)
    account = gid("KeyAccount", world.a.key_account.id)
    # Without tier definitions any short name goes.
    free = await gql(kam, UPDATE, {"input": {"id": account, "version": 1, "tier": "Platinum"}})
    assert free["data"]["updateKeyAccount"]["keyAccount"]["tier"] == "Platinum"
    tiers = """mutation($input: SetTierDefinitionsInput!) { setTierDefinitions(input: $input) {
      errors { code } } }"""
    defined = [{"name": "Gold", "minScore": "7.5"}, {"name": "Bronze", "minScore": "0"}]
    assert (await gql(admin, tiers, {"input": {"tiers": defined}}))["data"]["setTierDefinitions"][
        "errors"
    ] == []
    # No criteria yet, so no score: a tier that is not defined falls to the lowest one.
    assert (await gql(kam, PROFILE, {"id": account}))["data"]["node"]["tier"] == "Bronze"
    before = await snapshot(runtime.session_factory)
    wrong = await gql(kam, UPDATE, {"input": {"id": account, "version": 3, "tier": "Platinum"}})
    assert wrong["data"]["updateKeyAccount"]["errors"] == [{"field": "tier", "code": "INVALID"}]
    assert await snapshot(runtime.session_factory) == before
    right = await gql(kam, UPDATE, {"input": {"id": account, "version": 3, "tier": "Gold"}})
    assert right["data"]["updateKeyAccount"]["keyAccount"]["tier"] == "Gold"
    # A tier set by hand is part of the score history, newest first.
    history = (await gql(kam, HISTORY, {"id": account}))["data"]["keyAccountSelection"]
    assert [(h["previousTier"], h["tier"]) for h in history["history"]["nodes"]] == [
        ("Bronze", "Gold"),
        ("Platinum", "Bronze"),
        ("STRATEGIC", "Platinum"),
    ]
    assert history["history"]["nodes"][0]["actor"]["email"] == world.a.email(Role.KAM)
    # Re-tiering keeps a defined hand-set tier while the account has no score.
    again = [{"name": "Gold", "minScore": "8"}, {"name": "Bronze", "minScore": "0"}]
    await gql(admin, tiers, {"input": {"tiers": again}})
    assert (await gql(kam, PROFILE, {"id": account}))["data"]["node"]["tier"] == "Gold"


async def test_profile_events_reach_each_side_as_far_as_it_may_see(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    watchers = {
        role: await clients.as_user(world.a.email(role))
        for role in (Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER)
    }
    account = gid("KeyAccount", world.a.key_account.id)
    async with serve(runtime.app) as host:
        cookie = {
            role: {"cookie": f"kamp_session={http.cookies['kamp_session']}"}
            for role, http in watchers.items()
        }
        async with (
            subscription(host, world.a.workspace_gid, headers=cookie[Role.SUPPLIER_MEMBER]) as sup,
            subscription(host, world.a.workspace_gid, headers=cookie[Role.CUSTOMER_BUYER]) as cus,
        ):
            await gql(kam, UPDATE, {"input": {"id": account, "version": 1, **FULL}})
            supplier = [await next_message(sup) for _ in range(2)]
            customer = await next_message(cus)
            with pytest.raises(TimeoutError):
                await next_message(cus, timeout=0.3)
    fields = sorted(sorted(m["payload"]["data"]["workspaceEvents"]["fields"]) for m in supplier)
    assert fields == [
        ["annual_sales", "competitive_position", "customer_revenue", "industry_rank"],
        ["industry"],
    ]
    assert customer["payload"]["data"]["workspaceEvents"]["fields"] == ["industry"]

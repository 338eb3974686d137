"""Key account selection and profile: weighted criteria, computed score and tier, score
history, and who may see and change any of it (the supplier alone)."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.support import error_codes, gid, gql, snapshot

DEFINE = """mutation($input: DefineSelectionCriterionInput!) { defineSelectionCriterion(input: $input) {
  criterion { id name weight version } errors { field code } } }"""
TIERS = """mutation($input: SetTierDefinitionsInput!) { setTierDefinitions(input: $input) {
  tiers { name minScore } errors { field code } } }"""
SCORE = """mutation($input: ScoreKeyAccountInput!) { scoreKeyAccount(input: $input) {
  keyAccount { score tier } errors { field code } } }"""
UPDATE_CRITERION = """mutation($input: UpdateSelectionCriterionInput!) { updateSelectionCriterion(input: $input) {
  criterion { weight version } errors { field code } } }"""
SELECTION = """query($id: ID!) { keyAccountSelection(keyAccountId: $id) { score tier
  scores { criterion { name } score } history { nodes { score tier previousTier actor { email } } } } }"""
PROFILE = """query($id: ID!) { node(id: $id) { ... on KeyAccount { tier score industry industryRank
  competitivePosition customerRevenue annualSales shareOfSupplierSales } } }"""
UPDATE_ACCOUNT = """mutation($input: UpdateKeyAccountInput!) { updateKeyAccount(input: $input) {
  keyAccount { tier industry annualSales } errors { field code } } }"""


async def _setup(admin) -> dict[str, str]:
    ids = {}
    for name, weight in (
        ("Revenue potential", "40"),
        ("Strategic fit", "30"),
        ("Relationship", "30"),
    ):
        result = await gql(admin, DEFINE, {"input": {"name": name, "weight": weight}})
        assert result["data"]["defineSelectionCriterion"]["errors"] == [], result
        ids[name] = result["data"]["defineSelectionCriterion"]["criterion"]["id"]
    result = await gql(
        admin,
        TIERS,
        {
            "input": {
                "tiers": [
                    {"name": "Gold", "minScore": "7.5"},
                    {"name": "Silver", "minScore": "5"},
                    {"name": "Bronze", "minScore": "0"},
                ]
            }
        },
    )
    assert [t["name"] for t in result["data"]["setTierDefinitions"]["tiers"]] == [
        "Gold",
        "Silver",
        "Bronze",
    ]
    return ids


async def test_weighted_score_and_tier_with_history(world, clients):
    admin = await clients.as_user(world.admin.email)
    criteria = await _setup(admin)
    account = gid("KeyAccount", world.a.key_account.id)
    kam = await clients.as_user(world.a.email(Role.KAM))
    for name, score in (("Revenue potential", "9"), ("Strategic fit", "8"), ("Relationship", "7")):
        result = await gql(
            kam,
            SCORE,
            {"input": {"keyAccountId": account, "criterionId": criteria[name], "score": score}},
        )
        assert result["data"]["scoreKeyAccount"]["errors"] == [], result
    selection = (await gql(kam, SELECTION, {"id": account}))["data"]["keyAccountSelection"]
    assert (selection["score"], selection["tier"]) == ("8.10", "Gold")  # (9*40 + 8*30 + 7*30) / 100
    assert {s["criterion"]["name"]: s["score"] for s in selection["scores"]} == {
        "Revenue potential": "9.00",
        "Strategic fit": "8.00",
        "Relationship": "7.00",
    }
    tiers = [h["tier"] for h in selection["history"]["nodes"]]
    # Newest first: Gold (after 3 scores), then the Bronze steps that led there.
    assert tiers[0] == "Gold" and selection["history"]["nodes"][0]["actor"][
        "email"
    ] == world.a.email(Role.KAM)
    # Re-weighting re-tiers every account; a score that does not move writes no history.
    before = len(selection["history"]["nodes"])
    result = await gql(
        kam,
        SCORE,
        {
            "input": {
                "keyAccountId": account,
                "criterionId": criteria["Strategic fit"],
                "score": "8",
            }
        },
    )
    assert result["data"]["scoreKeyAccount"]["keyAccount"]["tier"] == "Gold"
    after = (await gql(kam, SELECTION, {"id": account}))["data"]["keyAccountSelection"]
    assert len(after["history"]["nodes"]) == before
    result = await gql(
        admin,
        UPDATE_CRITERION,
        {"input": {"id": criteria["Revenue potential"], "version": 1, "weight": "0"}},
    )
    assert result["data"]["updateSelectionCriterion"]["errors"] == []
    after = (await gql(kam, SELECTION, {"id": account}))["data"]["keyAccountSelection"]
    assert (after["score"], after["tier"]) == ("7.50", "Gold")  # (8*30 + 7*30) / 60
    assert after["history"]["nodes"][0]["previousTier"] == "Gold"


async def test_unscored_criteria_count_zero_and_tiers_are_validated(world, clients):
    admin = await clients.as_user(world.admin.email)
    criteria = await _setup(admin)
    account = gid("KeyAccount", world.b.key_account.id)
    result = await gql(
        admin,
        SCORE,
        {
            "input": {
                "keyAccountId": account,
                "criterionId": criteria["Strategic fit"],
                "score": "10",
            }
        },
    )
    assert result["data"]["scoreKeyAccount"]["keyAccount"] == {"score": "3.00", "tier": "Bronze"}
    bad = await gql(
        admin,
        SCORE,
        {
            "input": {
                "keyAccountId": account,
                "criterionId": criteria["Strategic fit"],
                "score": "11",
            }
        },
    )
    assert bad["data"]["scoreKeyAccount"]["errors"] == [{"field": "score", "code": "INVALID"}]
    kam = await clients.as_user(world.b.email(Role.KAM))
    version_query = "query($id: ID!) { node(id: $id) { ... on KeyAccount { version } } }"
    version = (await gql(kam, version_query, {"id": account}))["data"]["node"]["version"]
    wrong = await gql(
        kam, UPDATE_ACCOUNT, {"input": {"id": account, "version": version, "tier": "Platinum"}}
    )
    assert wrong["data"]["updateKeyAccount"]["errors"] == [{"field": "tier", "code": "INVALID"}]
    duplicate = await gql(
        admin,
        TIERS,
        {"input": {"tiers": [{"name": "A", "minScore": "5"}, {"name": "a", "minScore": "6"}]}},
    )
    assert duplicate["data"]["setTierDefinitions"]["errors"][0]["code"] == "DUPLICATE"


@pytest.mark.parametrize("role", list(Role))
async def test_only_admins_define_criteria(world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    before = await snapshot(runtime.session_factory)
    result = await gql(http, DEFINE, {"input": {"name": "Sneaky", "weight": "99"}})
    assert error_codes(result) == ["FORBIDDEN"], role
    result = await gql(http, TIERS, {"input": {"tiers": [{"name": "Top", "minScore": "0"}]}})
    assert error_codes(result) == ["FORBIDDEN"], role
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("role", list(Role))
async def test_who_scores_and_who_sees(world, clients, runtime, role):
    admin = await clients.as_user(world.admin.email)
    criteria = await _setup(admin)
    http = await clients.as_user(world.a.email(role))
    account = gid("KeyAccount", world.a.key_account.id)
    variables = {
        "input": {"keyAccountId": account, "criterionId": criteria["Relationship"], "score": "6"}
    }
    before = await snapshot(runtime.session_factory)
    result = await gql(http, SCORE, variables)
    if role == Role.KAM:
        assert result["data"]["scoreKeyAccount"]["errors"] == []
    else:
        assert error_codes(result) == ["FORBIDDEN"], role
        assert await snapshot(runtime.session_factory) == before
    seen = await gql(http, SELECTION, {"id": account})
    profile = (await gql(http, PROFILE, {"id": account}))["data"]["node"]
    if role.side.value == "SUPPLIER":
        assert "errors" not in seen and seen["data"]["keyAccountSelection"]["tier"]
        assert profile["tier"] is not None
        assert (
            len((await gql(http, "{ selectionCriteria { name } }"))["data"]["selectionCriteria"])
            == 3
        )
    else:
        assert error_codes(seen) == ["FORBIDDEN"]
        assert {k: v for k, v in profile.items() if k != "industry"} == dict.fromkeys(
            [k for k in profile if k != "industry"]
        )
        assert error_codes(await gql(http, "{ selectionCriteria { name } }")) == ["FORBIDDEN"]
    # The other account's selection answers like a missing one.
    other = await gql(http, SELECTION, {"id": gid("KeyAccount", world.b.key_account.id)})
    assert error_codes(other) == ["NOT_FOUND"]


async def test_profile_and_concentration(world, clients, runtime):
    from decimal import Decimal

    from kamp.accounts.models import Organization

    async with runtime.session_factory() as session:
        supplier = await session.get(Organization, world.supplier.id)
        supplier.annual_revenue = Decimal(40_000_000)
        await session.commit()
    kam = await clients.as_user(world.a.email(Role.KAM))
    account = gid("KeyAccount", world.a.key_account.id)
    result = await gql(
        kam,
        UPDATE_ACCOUNT,
        {
            "input": {
                "id": account,
                "version": 1,
                "industry": "Building materials",
                "annualSales": "3000000",
            }
        },
    )
    assert result["data"]["updateKeyAccount"]["errors"] == [], result
    profile = (await gql(kam, PROFILE, {"id": account}))["data"]["node"]
    assert profile["shareOfSupplierSales"] == 7.5 and profile["industry"] == "Building materials"
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    seen = (await gql(buyer, PROFILE, {"id": account}))["data"]["node"]
    assert seen["industry"] == "Building materials" and seen["annualSales"] is None
    assert seen["shareOfSupplierSales"] is None
    refused = await gql(
        buyer, UPDATE_ACCOUNT, {"input": {"id": account, "version": 2, "industry": "X"}}
    )
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_a_token_needs_a_read_scope_for_the_selection_model(world, clients, runtime, client):
    from kamp.auth.oauth.clients import ClientKind
    from tests.auth.oauth_support import bearer_gql, make_client, token_request

    await _setup(await clients.as_user(world.admin.email))
    for scopes, allowed in ((("accounts:write",), False), (("accounts:read",), True)):
        machine = await make_client(
            runtime,
            world.admin,
            kind=ClientKind.MACHINE,
            scopes=scopes,
            confidential=True,
            role=Role.SUPPLIER_MEMBER,
        )
        token = (await token_request(client, machine, grant_type="client_credentials")).json()
        result = await bearer_gql(client, token["access_token"], "{ selectionCriteria { name } }")
        if allowed:
            assert len(result["data"]["selectionCriteria"]) == 3
        else:
            assert error_codes(result) == ["FORBIDDEN"]

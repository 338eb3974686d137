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


DELETE_CRITERION = """mutation($input: SelectionCriterionIdInput!) { deleteSelectionCriterion(
  input: $input) { deletedId errors { field code } } }"""
HISTORY_COUNT = """query($id: ID!) { keyAccountSelection(keyAccountId: $id) { score tier
  history(first: 100) { nodes { score } } } }"""


async def _history(http, account: str) -> tuple[str | None, str, int]:
    found = (await gql(http, HISTORY_COUNT, {"id": account}))["data"]["keyAccountSelection"]
    return found["score"], found["tier"], len(found["history"]["nodes"])


async def test_without_tiers_the_tier_stays_and_only_changes_are_recorded(world, clients):
    admin = await clients.as_user(world.admin.email)
    account = gid("KeyAccount", world.a.key_account.id)
    result = await gql(admin, DEFINE, {"input": {"name": "Fit", "weight": "2"}})
    fit = result["data"]["defineSelectionCriterion"]["criterion"]["id"]
    # A first criterion gives every account a score (0: nothing scored yet); no tiers, so the
    # tier stays as it was.
    assert await _history(admin, account) == ("0.00", "STRATEGIC", 1)
    score = {"input": {"keyAccountId": account, "criterionId": fit, "score": "6"}}
    assert (await gql(admin, SCORE, score))["data"]["scoreKeyAccount"]["keyAccount"] == {
        "score": "6.00",
        "tier": "STRATEGIC",
    }
    assert await _history(admin, account) == ("6.00", "STRATEGIC", 2)
    # Neither the same score again nor a weightless criterion moves anything: no new rows.
    await gql(admin, SCORE, score)
    await gql(admin, DEFINE, {"input": {"name": "Idle", "weight": "0"}})
    assert await _history(admin, account) == ("6.00", "STRATEGIC", 2)
    # The other account was re-scored once, when the first criterion came, and left alone since.
    assert await _history(admin, gid("KeyAccount", world.b.key_account.id)) == (
        "0.00",
        "STRATEGIC",
        1,
    )


async def test_criterion_changes_rescore_and_conflict_on_stale_versions(world, clients, runtime):
    admin = await clients.as_user(world.admin.email)
    criteria = await _setup(admin)
    account = gid("KeyAccount", world.a.key_account.id)
    for name, value in (("Revenue potential", "10"), ("Strategic fit", "5")):
        variables = {"keyAccountId": account, "criterionId": criteria[name], "score": value}
        await gql(admin, SCORE, {"input": variables})
    assert (await _history(admin, account))[:2] == ("5.50", "Silver")  # (400 + 150) / 100
    update = {"id": criteria["Strategic fit"], "version": 1, "weight": "60"}
    assert (await gql(admin, UPDATE_CRITERION, {"input": update}))["data"][
        "updateSelectionCriterion"
    ]["criterion"] == {"weight": "60.00", "version": 2}
    assert (await _history(admin, account))[:2] == ("5.38", "Silver")  # (400 + 300) / 130
    before = await snapshot(runtime.session_factory)
    stale = await gql(admin, UPDATE_CRITERION, {"input": {**update, "weight": "1"}})
    assert stale["data"]["updateSelectionCriterion"] == {
        "criterion": {"weight": "60.00", "version": 2},
        "errors": [{"field": "version", "code": "CONFLICT"}],
    }
    rename = {"id": criteria["Strategic fit"], "version": 2, "name": "relationship"}
    duplicate = await gql(admin, UPDATE_CRITERION, {"input": rename})
    assert duplicate["data"]["updateSelectionCriterion"]["errors"] == [
        {"field": "name", "code": "DUPLICATE"}
    ]
    assert await snapshot(runtime.session_factory) == before
    deleted = await gql(admin, DELETE_CRITERION, {"input": {"id": criteria["Strategic fit"]}})
    assert deleted["data"]["deleteSelectionCriterion"]["errors"] == []
    assert (await _history(admin, account))[:2] == ("5.71", "Silver")  # 400 / 70
    selection = await gql(admin, SELECTION, {"id": account})
    assert [s["criterion"]["name"] for s in selection["data"]["keyAccountSelection"]["scores"]] == [
        "Revenue potential",
        "Relationship",
    ]
    # Raising the bar re-tiers every account at once.
    tiers = [{"name": "Gold", "minScore": "5.5"}, {"name": "Bronze", "minScore": "0"}]
    await gql(admin, TIERS, {"input": {"tiers": tiers}})
    assert (await _history(admin, account))[:2] == ("5.71", "Gold")


@pytest.mark.parametrize("role", list(Role))
async def test_only_admins_change_or_delete_criteria(world, clients, runtime, role):
    criteria = await _setup(await clients.as_user(world.admin.email))
    http = await clients.as_user(world.a.email(role))
    target = criteria["Relationship"]
    before = await snapshot(runtime.session_factory)
    changed = await gql(
        http, UPDATE_CRITERION, {"input": {"id": target, "version": 1, "weight": "1"}}
    )
    assert error_codes(changed) == ["FORBIDDEN"], role
    assert error_codes(await gql(http, DELETE_CRITERION, {"input": {"id": target}})) == [
        "FORBIDDEN"
    ]
    assert await snapshot(runtime.session_factory) == before


async def test_admins_score_any_account_a_kam_only_their_own(world, clients, runtime):
    admin = await clients.as_user(world.admin.email)
    criteria = await _setup(admin)
    for account in (world.a, world.b):
        variables = {
            "keyAccountId": gid("KeyAccount", account.key_account.id),
            "criterionId": criteria["Relationship"],
            "score": "10",
        }
        result = await gql(admin, SCORE, {"input": variables})
        assert result["data"]["scoreKeyAccount"]["keyAccount"]["score"] == "3.00"
    other_kam = await clients.as_user(world.b.email(Role.KAM))
    variables = {
        "keyAccountId": gid("KeyAccount", world.a.key_account.id),
        "criterionId": criteria["Relationship"],
        "score": "0",
    }
    before = await snapshot(runtime.session_factory)
    result = await gql(other_kam, SCORE, {"input": variables})
    assert result["data"]["scoreKeyAccount"] == {
        "keyAccount": None,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    # A criterion ID that is not one of this supplier's answers like a missing one.
    bogus = gid("SelectionCriterion", world.a.key_account.id)
    result = await gql(admin, SCORE, {"input": {**variables, "criterionId": bogus}})
    assert result["data"]["scoreKeyAccount"]["errors"] == [
        {"field": "criterionId", "code": "NOT_FOUND"}
    ]
    assert await snapshot(runtime.session_factory) == before

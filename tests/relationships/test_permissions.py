"""Who may write what, role by role, and that a refused mutation changes nothing: contacts are
co-edited by both sides; stances and relationships are the supplier's; only the KAM decides
what the customer sees."""

from __future__ import annotations

import pytest

from kamp.accounts.models import Role
from tests.relationships.support import (
    CONTACT_EDITORS,
    CREATE_CONTACT,
    CREATE_RELATIONSHIP,
    DELETE_CONTACT,
    DELETE_RELATIONSHIP,
    SUPPLIER_EDITORS,
    SUPPLIER_ROLES,
    UPDATE_CONTACT,
    UPDATE_RELATIONSHIP,
    new_contact,
    new_relationship,
    payload_of,
)
from tests.support import error_codes, gid, gql, snapshot

GAPS = """query($ws: ID!) { coverageGaps(workspaceId: $ws) { nodes { relationshipCount
  contact { id } } } }"""


@pytest.fixture
async def rel_map(world, clients):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    shared = await new_contact(kam, ws, "Shared Person")
    internal = await new_contact(kam, ws, "Internal Person", visibility="INTERNAL")
    member = gid("User", world.a.users[Role.SUPPLIER_MEMBER].id)
    return {
        "shared": shared,
        "internal": internal,
        "shared_rel": await new_relationship(kam, shared["id"], member, visibility="SHARED"),
        "internal_rel": await new_relationship(kam, internal["id"], member),
    }


async def _refused(runtime, http, query, variables, code: str) -> None:
    """The mutation is refused with `code` (a GraphQL error or a user error) and changes
    nothing."""
    before = await snapshot(runtime.session_factory)
    result = await gql(http, query, variables)
    if code == "FORBIDDEN":
        assert error_codes(result) == ["FORBIDDEN"], result
    else:
        assert "errors" not in result, result
        (payload,) = result["data"].values()
        assert [e["code"] for e in payload["errors"]] == [code], payload
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("role", list(Role))
async def test_contacts(rel_map, world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    create = {"input": {"workspaceId": world.a.workspace_gid, "name": "New", "buyingRole": "USER"}}
    update = {"input": {"id": rel_map["shared"]["id"], "version": 1, "title": "CFO"}}
    delete = {"input": {"id": rel_map["shared"]["id"]}}
    if role not in CONTACT_EDITORS:
        for query, variables in ((CREATE_CONTACT, create), (UPDATE_CONTACT, update)):
            await _refused(runtime, http, query, variables, "FORBIDDEN")
        await _refused(runtime, http, DELETE_CONTACT, delete, "FORBIDDEN")
        return
    assert (await payload_of(http, CREATE_CONTACT, create))["errors"] == []
    updated = await payload_of(http, UPDATE_CONTACT, update)
    assert updated["errors"] == [] and updated["contact"]["title"] == "CFO"
    if role not in SUPPLIER_ROLES:
        # An internal contact answers like a missing one.
        hidden = {"input": {"id": rel_map["internal"]["id"], "version": 1, "title": "X"}}
        await _refused(runtime, http, UPDATE_CONTACT, hidden, "NOT_FOUND")
        gone = {"input": {"id": rel_map["internal"]["id"]}}
        await _refused(runtime, http, DELETE_CONTACT, gone, "NOT_FOUND")
    deleted = await payload_of(http, DELETE_CONTACT, delete)
    assert deleted == {"deletedId": rel_map["shared"]["id"], "errors": []}


@pytest.mark.parametrize("role", list(Role))
async def test_other_account_is_refused(rel_map, world, clients, runtime, role):
    http = await clients.as_user(world.b.email(role))
    for key in ("shared", "internal"):
        contact = rel_map[key]["id"]
        await _refused(
            runtime, http, UPDATE_CONTACT, {"input": {"id": contact, "version": 1}}, "NOT_FOUND"
        )
        await _refused(runtime, http, DELETE_CONTACT, {"input": {"id": contact}}, "NOT_FOUND")
    for key in ("shared_rel", "internal_rel"):
        rel = rel_map[key]["id"]
        update = {"input": {"id": rel, "version": 1, "strength": 5}}
        await _refused(runtime, http, UPDATE_RELATIONSHIP, update, "NOT_FOUND")
    create = {"input": {"workspaceId": world.a.workspace_gid, "name": "X", "buyingRole": "USER"}}
    await _refused(runtime, http, CREATE_CONTACT, create, "NOT_FOUND")
    result = await gql(http, GAPS, {"ws": world.a.workspace_gid})
    assert error_codes(result) == ["NOT_FOUND"]


@pytest.mark.parametrize("role", list(Role))
async def test_stance(rel_map, world, clients, runtime, role):
    """Supplier editors record a stance; only the KAM shares it; customers never set one."""
    http = await clients.as_user(world.a.email(role))
    contact = rel_map["shared"]["id"]
    stance = {"input": {"id": contact, "version": 1, "stance": "SKEPTIC"}}
    share = {"input": {"id": contact, "version": 1, "stanceVisibility": "SHARED"}}
    born = {
        "input": {
            "workspaceId": world.a.workspace_gid,
            "name": "New",
            "buyingRole": "USER",
            "stance": "OPPONENT",
        }
    }
    if role not in SUPPLIER_EDITORS:
        for query, variables in ((UPDATE_CONTACT, stance), (UPDATE_CONTACT, share)):
            await _refused(runtime, http, query, variables, "FORBIDDEN")
        await _refused(runtime, http, CREATE_CONTACT, born, "FORBIDDEN")
        return
    if role != Role.KAM:
        await _refused(runtime, http, UPDATE_CONTACT, share, "FORBIDDEN")
        shared_born = {"input": {**born["input"], "stanceVisibility": "SHARED"}}
        await _refused(runtime, http, CREATE_CONTACT, shared_born, "FORBIDDEN")
    updated = await payload_of(http, UPDATE_CONTACT, stance)
    assert updated["errors"] == [] and updated["contact"]["stance"] == "SKEPTIC"
    assert (await payload_of(http, CREATE_CONTACT, born))["contact"]["stance"] == "OPPONENT"


@pytest.mark.parametrize("role", list(Role))
async def test_relationships(rel_map, world, clients, runtime, role):
    http = await clients.as_user(world.a.email(role))
    kam_user = gid("User", world.a.users[Role.KAM].id)
    create = {"input": {"contactId": rel_map["shared"]["id"], "supplierUserId": kam_user}}
    shared_rel = rel_map["shared_rel"]["id"]
    update = {"input": {"id": shared_rel, "version": 1, "strength": 5}}
    hide = {"input": {"id": shared_rel, "version": 1, "visibility": "INTERNAL"}}
    delete = {"input": {"id": shared_rel}}
    if role not in SUPPLIER_EDITORS:
        for query, variables in (
            (CREATE_RELATIONSHIP, create),
            (UPDATE_RELATIONSHIP, update),
            (UPDATE_RELATIONSHIP, hide),
            (DELETE_RELATIONSHIP, delete),
        ):
            await _refused(runtime, http, query, variables, "FORBIDDEN")
        if role not in SUPPLIER_ROLES:
            internal = {"input": {"id": rel_map["internal_rel"]["id"], "version": 1, "notes": "x"}}
            await _refused(runtime, http, UPDATE_RELATIONSHIP, internal, "NOT_FOUND")
            gone = {"input": {"id": rel_map["internal_rel"]["id"]}}
            await _refused(runtime, http, DELETE_RELATIONSHIP, gone, "NOT_FOUND")
        return
    if role != Role.KAM:
        await _refused(runtime, http, UPDATE_RELATIONSHIP, hide, "FORBIDDEN")
    created = await payload_of(http, CREATE_RELATIONSHIP, create)
    assert created["errors"] == [] and created["relationship"]["visibility"] == "INTERNAL"
    updated = await payload_of(http, UPDATE_RELATIONSHIP, update)
    assert updated["relationship"]["strength"] == 5
    assert (await payload_of(http, DELETE_RELATIONSHIP, delete))["deletedId"] == shared_rel


@pytest.mark.parametrize("role", list(Role))
async def test_coverage_gaps_are_supplier_internal(rel_map, world, clients, role):
    http = await clients.as_user(world.a.email(role))
    result = await gql(http, GAPS, {"ws": world.a.workspace_gid})
    if role in SUPPLIER_ROLES:
        gaps = result["data"]["coverageGaps"]["nodes"]
        assert {g["contact"]["id"] for g in gaps} == {
            rel_map["shared"]["id"],
            rel_map["internal"]["id"],
        }
    else:
        assert result["data"] is None and error_codes(result) == ["FORBIDDEN"]

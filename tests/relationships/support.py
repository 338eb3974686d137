"""Building the relationship map through the API for tests."""

from __future__ import annotations

from typing import Any

from kamp.accounts.models import Role, Side
from tests.support import gql

SUPPLIER_ROLES = [r for r in Role if r.side == Side.SUPPLIER]
CUSTOMER_ROLES = [r for r in Role if r.side == Side.CUSTOMER]
# Who may write what (see the report on auth/policy.py): contacts are co-edited by both sides,
# relationships and stances are the supplier's.
CONTACT_EDITORS = {Role.KAM, Role.SUPPLIER_MEMBER, Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE}
SUPPLIER_EDITORS = {Role.KAM, Role.SUPPLIER_MEMBER}

ERRORS = "errors { field code message }"
CONTACT_FIELDS = (
    "id version visibility name title email buyingRole influence stance stanceVisibility"
)
CREATE_CONTACT = f"""mutation($input: CreateContactInput!) {{ createContact(input: $input) {{
  contact {{ {CONTACT_FIELDS} reportsTo {{ id }} location {{ id }} }} {ERRORS} }} }}"""
UPDATE_CONTACT = f"""mutation($input: UpdateContactInput!) {{ updateContact(input: $input) {{
  contact {{ {CONTACT_FIELDS} reportsTo {{ id }} location {{ id }} }} {ERRORS} }} }}"""
DELETE_CONTACT = f"""mutation($input: ContactIdInput!) {{ deleteContact(input: $input) {{
  deletedId {ERRORS} }} }}"""
RELATIONSHIP_FIELDS = "id version visibility strength lastInteraction notes"
CREATE_RELATIONSHIP = f"""mutation($input: CreateRelationshipInput!) {{
  createRelationship(input: $input) {{ relationship {{ {RELATIONSHIP_FIELDS}
  supplierUser {{ email }} contact {{ id }} }} {ERRORS} }} }}"""
UPDATE_RELATIONSHIP = f"""mutation($input: UpdateRelationshipInput!) {{
  updateRelationship(input: $input) {{ relationship {{ {RELATIONSHIP_FIELDS} }} {ERRORS} }} }}"""
DELETE_RELATIONSHIP = f"""mutation($input: RelationshipIdInput!) {{
  deleteRelationship(input: $input) {{ deletedId {ERRORS} }} }}"""
NODE = """query($id: ID!) { node(id: $id) { id ... on WorkspaceElement { visibility version
  history { nodes { action field before after actor { email } } } }
  ... on Contact { name stance stanceVisibility } } }"""


async def ok(http, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a mutation that must succeed; returns its payload object."""
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    assert payload["errors"] == [], payload
    return next(v for k, v in payload.items() if k != "errors")


async def payload_of(http, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    result = await gql(http, query, variables)
    assert "errors" not in result, result
    (payload,) = result["data"].values()
    return payload


async def new_contact(http, workspace_gid: str, name: str = "Dana Buyer", **extra: Any):
    values = {"workspaceId": workspace_gid, "name": name, "buyingRole": "DECISION_MAKER"}
    return await ok(http, CREATE_CONTACT, {"input": {**values, **extra}})


async def new_relationship(http, contact_id: str, user_gid: str, **extra: Any):
    values = {"contactId": contact_id, "supplierUserId": user_gid}
    return await ok(http, CREATE_RELATIONSHIP, {"input": {**values, **extra}})

"""Inviting people into a workspace by email and accepting the one-time link, over HTTP."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from kamp import clock
from kamp.accounts.models import Invitation, Membership, Role, User
from kamp.mail.models import OutboxMessage
from kamp.runtime import Runtime
from tests.support import PASSWORD, World, error_codes, gid, gql, snapshot

NEW_EMAIL = "new.buyer@customer-a.example.com"
NEW_PASSWORD = "a long enough password"

INVITE = """
mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { invitation { id email role } errors { field message code } }
}"""
REVOKE = """
mutation($id: ID!) { revokeInvitation(input: {id: $id}) { errors { field code } } }"""
VIEWER = """
{ viewer { side user { organization { id } } workspaces { nodes { id viewerRole } } } }"""
WORKSPACE_INVITATIONS = """
query($id: ID!) { node(id: $id) { ... on Workspace { invitations { nodes { email role } } } } }"""


async def invite(
    http: httpx.AsyncClient, workspace_id: str, email: str = NEW_EMAIL, role: str = "CUSTOMER_BUYER"
) -> dict[str, Any]:
    variables = {"input": {"workspaceId": workspace_id, "email": email, "role": role}}
    return await gql(http, INVITE, variables)


async def link_token(runtime: Runtime, email: str = NEW_EMAIL) -> str:
    """The token in the link of the newest email to `email` in the outbox."""
    async with runtime.session_factory() as session:
        body = await session.scalar(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.created_at.desc())
        )
    assert body is not None, f"no mail to {email}"
    match = re.search(r"http://testserver/invitation/(\S+)", body)
    assert match, body
    return match.group(1)


async def accept(
    http: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD, name: str = "New Buyer"
) -> httpx.Response:
    body = {"token": token, "password": password, "displayName": name}
    return await http.post("/auth/invitations/accept", json=body)


async def counts(runtime: Runtime) -> dict[str, int]:
    async with runtime.session_factory() as session:
        return {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Invitation, OutboxMessage, Membership, User)
        }


def error_of(response: httpx.Response) -> dict[str, Any]:
    [error] = response.json()["errors"]
    return error


async def test_invite_and_accept_signs_a_new_customer_in(world, clients, client, runtime):
    """A KAM's invitation mails a link; its holder previews it, sets a password, is signed in
    with a safe cookie, and sees exactly that workspace as a customer buyer."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    result = await invite(kam, world.a.workspace_gid)
    payload = result["data"]["inviteMember"]
    assert payload["errors"] == []
    assert payload["invitation"]["email"] == NEW_EMAIL
    token = await link_token(runtime)

    preview = await client.get(f"/auth/invitations/{token}")
    assert preview.status_code == 200
    assert preview.json() == {
        "email": NEW_EMAIL,
        "role": "CUSTOMER_BUYER",
        "workspaceName": "Workspace a",
        "hasAccount": False,
    }

    response = await accept(client, token)
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("kamp_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie

    viewer = (await gql(client, VIEWER))["data"]["viewer"]
    assert viewer["side"] == "CUSTOMER"
    assert viewer["workspaces"]["nodes"] == [
        {"id": world.a.workspace_gid, "viewerRole": "CUSTOMER_BUYER"}
    ]
    assert viewer["user"]["organization"]["id"] == gid("Organization", world.a.customer.id)
    async with runtime.session_factory() as session:
        user = await session.scalar(select(User).where(User.email == NEW_EMAIL))
    assert user is not None
    assert user.organization_id == world.a.customer.id


async def test_link_works_once(world, clients, client, runtime):
    """A second accept of the same link is refused, and so is its preview."""
    await invite(await clients.as_user(world.a.email(Role.KAM)), world.a.workspace_gid)
    token = await link_token(runtime)
    assert (await accept(client, token)).status_code == 200

    again = await accept(client, token)
    assert again.status_code == 400
    assert error_of(again)["code"] == "NOT_FOUND"
    assert (await client.get(f"/auth/invitations/{token}")).status_code == 404


async def test_expired_link_is_refused(world, clients, client, runtime):
    """Past its expiry a link neither previews nor accepts, and nobody is created."""
    await invite(await clients.as_user(world.a.email(Role.KAM)), world.a.workspace_gid)
    token = await link_token(runtime)
    async with runtime.session_factory() as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.email == NEW_EMAIL)
            .values(expires_at=clock.now() - timedelta(minutes=1))
        )
        await session.commit()
    before = await counts(runtime)

    preview = await client.get(f"/auth/invitations/{token}")
    assert (preview.status_code, error_of(preview)["code"]) == (404, "EXPIRED")
    response = await accept(client, token)
    assert (response.status_code, error_of(response)["code"]) == (400, "EXPIRED")
    assert await counts(runtime) == before


async def test_revoked_link_is_refused(world, clients, client, runtime):
    """Once the KAM revokes an invitation its link no longer works."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    invitation_id = (await invite(kam, world.a.workspace_gid))["data"]["inviteMember"][
        "invitation"
    ]["id"]
    token = await link_token(runtime)
    assert (await gql(kam, REVOKE, {"id": invitation_id}))["data"]["revokeInvitation"] == {
        "errors": []
    }

    response = await accept(client, token)
    assert (response.status_code, error_of(response)["code"]) == (400, "NOT_FOUND")
    assert "set-cookie" not in response.headers


async def test_short_password_creates_nothing(world, clients, client, runtime):
    """A too-short password is refused on its field; no user or membership is created and the
    link still works for a proper attempt."""
    await invite(await clients.as_user(world.a.email(Role.KAM)), world.a.workspace_gid)
    token = await link_token(runtime)
    before = await counts(runtime)

    response = await accept(client, token, password="short")
    assert response.status_code == 400
    assert error_of(response)["field"] == "password"
    assert "set-cookie" not in response.headers
    assert await counts(runtime) == before

    assert (await accept(client, token)).status_code == 200


async def test_existing_user_proves_their_password(world, clients, client, runtime):
    """Someone who already has an account joins another workspace only with their own
    password: the link alone signs nobody in."""
    email = world.a.email(Role.SUPPLIER_MEMBER)
    kam_b = await clients.as_user(world.b.email(Role.KAM))
    result = await invite(kam_b, world.b.workspace_gid, email, "SUPPLIER_MEMBER")
    assert result["data"]["inviteMember"]["errors"] == []
    token = await link_token(runtime, email)
    assert (await client.get(f"/auth/invitations/{token}")).json()["hasAccount"] is True
    before = await counts(runtime)

    wrong = await accept(client, token, password="not the right password")
    assert (wrong.status_code, error_of(wrong)["field"]) == (400, "password")
    assert "set-cookie" not in wrong.headers
    assert await counts(runtime) == before

    assert (await accept(client, token, password=PASSWORD)).status_code == 200
    workspaces = (await gql(client, VIEWER))["data"]["viewer"]["workspaces"]["nodes"]
    assert sorted(w["id"] for w in workspaces) == sorted(
        [world.a.workspace_gid, world.b.workspace_gid]
    )


async def test_accept_rechecks_the_side_of_an_existing_account(world, clients, client, runtime):
    """Two open invitations for one new address, a customer one and a supplier one: once the
    customer account exists, the supplier invitation cannot give it supplier access."""
    await invite(await clients.as_user(world.a.email(Role.KAM)), world.a.workspace_gid)
    customer_token = await link_token(runtime)
    kam_b = await clients.as_user(world.b.email(Role.KAM))
    await invite(kam_b, world.b.workspace_gid, NEW_EMAIL, "SUPPLIER_MEMBER")
    supplier_token = await link_token(runtime)
    assert (await accept(client, customer_token)).status_code == 200
    before = await counts(runtime)

    response = await accept(client, supplier_token)
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID")
    assert await counts(runtime) == before


async def test_an_account_elsewhere_is_invited_like_a_new_address(world, clients, client, runtime):
    """Inviting someone who has an account in another organization answers exactly as for an
    address nobody uses (the inviter learns nothing about who has an account); the link then
    cannot give that account the role."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    elsewhere = world.b.email(Role.SUPPLIER_MEMBER)

    def shape(result: dict[str, Any], email: str) -> Any:
        payload = result["data"]["inviteMember"]
        invitation = payload["invitation"] and {**payload["invitation"], "id": "-"}
        return {"errors": payload["errors"], "invitation": invitation, "mailed": email}

    fresh = await invite(kam, world.a.workspace_gid, NEW_EMAIL)
    other = await invite(kam, world.a.workspace_gid, elsewhere)
    assert shape(other, elsewhere) == {
        **shape(fresh, NEW_EMAIL),
        "invitation": {"id": "-", "email": elsewhere, "role": "CUSTOMER_BUYER"},
        "mailed": elsewhere,
    }
    token = await link_token(runtime, elsewhere)
    before = await snapshot(runtime.session_factory)
    response = await accept(client, token, password=PASSWORD)
    assert (response.status_code, error_of(response)["code"]) == (400, "INVALID")
    assert "set-cookie" not in response.headers
    assert await snapshot(runtime.session_factory) == before


async def test_a_deactivated_account_gains_nothing(world, clients, client, runtime):
    """A deactivated person with a valid link and the right password is answered like a
    dead link, and no membership is written."""
    email = world.a.email(Role.SUPPLIER_MEMBER)
    kam_b = await clients.as_user(world.b.email(Role.KAM))
    await invite(kam_b, world.b.workspace_gid, email, "SUPPLIER_MEMBER")
    token = await link_token(runtime, email)
    async with runtime.session_factory() as session:
        await session.execute(update(User).where(User.email == email).values(is_active=False))
        await session.commit()
    before = await snapshot(runtime.session_factory)

    response = await accept(client, token, password=PASSWORD)
    dead = await accept(client, "no-such-token", password=PASSWORD)
    assert (response.status_code, response.json()) == (dead.status_code, dead.json())
    assert error_of(response)["code"] == "NOT_FOUND"
    assert "set-cookie" not in response.headers
    assert await snapshot(runtime.session_factory) == before


# Refused invitations: (who asks, into which workspace, email, role) -> expected answer.
# An email of None means a fresh address; ("b", Role.X) means that person of account b.
REFUSALS: dict[str, tuple[Role | None, str, Any, str, tuple[str, ...]]] = {
    "customer buyer": (Role.CUSTOMER_BUYER, "a", None, "CUSTOMER_BUYER", ("FORBIDDEN",)),
    "supplier member": (Role.SUPPLIER_MEMBER, "a", None, "CUSTOMER_BUYER", ("FORBIDDEN",)),
    "anonymous": (None, "a", None, "CUSTOMER_BUYER", ("UNAUTHENTICATED",)),
    "other account": (Role.KAM, "b", None, "CUSTOMER_BUYER", ("id", "NOT_FOUND")),
    "missing workspace": (Role.KAM, "missing", None, "CUSTOMER_BUYER", ("id", "NOT_FOUND")),
    "location id": (Role.KAM, "location", None, "CUSTOMER_BUYER", ("workspaceId", "INVALID")),
    "kam role": (Role.KAM, "a", None, "KAM", ("role", "INVALID")),
    "member already": (
        Role.KAM,
        "a",
        ("a", Role.CUSTOMER_EXECUTIVE),
        "CUSTOMER_BUYER",
        ("email", "DUPLICATE"),
    ),
    "invalid email": (Role.KAM, "a", "not-an-email", "CUSTOMER_BUYER", ("email", "INVALID")),
}


def _workspace_id(world: World, where: str) -> str:
    return {
        "a": world.a.workspace_gid,
        "b": world.b.workspace_gid,
        "missing": gid("Workspace", uuid.uuid4()),
        "location": gid("Location", world.a.hq.id),
    }[where]


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
async def test_refused_invitations_change_nothing(world, clients, client, runtime, case):
    """Each refusal answers with the right error and writes no invitation and no mail."""
    who, where, email, role, expected = case
    http = await clients.as_user(world.a.email(who)) if who else client
    if isinstance(email, tuple):
        email = getattr(world, email[0]).email(email[1])
    before = await counts(runtime)

    result = await invite(http, _workspace_id(world, where), email or NEW_EMAIL, role)

    if len(expected) == 1:  # a GraphQL error: the mutation did not run
        assert error_codes(result) == list(expected)
        assert result["data"] is None
    else:
        payload = result["data"]["inviteMember"]
        assert payload["invitation"] is None
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [expected]
    assert await counts(runtime) == before


async def test_other_account_and_missing_workspace_look_the_same(world, clients):
    """A workspace of another account is answered exactly like one that does not exist."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    other = await invite(kam, world.b.workspace_gid)
    missing = await invite(kam, gid("Workspace", uuid.uuid4()))
    assert other == missing


async def test_open_invitations_are_for_those_who_invite(world, clients, runtime):
    """The KAM lists open invitations; a customer buyer of the same workspace is refused and
    sees none of them."""
    kam = await clients.as_user(world.a.email(Role.KAM))
    await invite(kam, world.a.workspace_gid)
    variables = {"id": world.a.workspace_gid}

    result = await gql(kam, WORKSPACE_INVITATIONS, variables)
    assert result["data"]["node"]["invitations"]["nodes"] == [
        {"email": NEW_EMAIL, "role": "CUSTOMER_BUYER"}
    ]

    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    response = await buyer.post(
        "/graphql", json={"query": WORKSPACE_INVITATIONS, "variables": variables}
    )
    assert error_codes(response.json()) == ["FORBIDDEN"]
    assert response.json()["data"]["node"] is None
    assert NEW_EMAIL not in response.text

"""The customer's own ERP reports stock: its organization's admin registers a machine client
with a customer role, limited to its key accounts; the client reports for its own locations
only and reads nothing internal. Nobody else of the customer registers clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from kamp import clock
from kamp.accounts.models import Role, User
from kamp.auth.oauth.clients import ClientKind
from kamp.errors import Forbidden, UserError
from tests.auth.oauth_support import bearer_gql, make_client, token_request
from tests.inventory.stock_support import stock_world

HEADER = "location_code,sku,as_of,on_hand,sold\n"


async def _customer_admin(runtime, world) -> User:
    buyer = world.a.users[Role.CUSTOMER_BUYER]
    async with runtime.session_factory() as session:
        await session.execute(update(User).where(User.id == buyer.id).values(is_org_admin=True))
        await session.commit()
        admin = await session.get(User, buyer.id)
    assert admin is not None
    return admin


async def _erp(runtime, client, world, owner) -> str:
    machine = await make_client(
        runtime,
        owner,
        kind=ClientKind.MACHINE,
        scopes=("inventory:read", "inventory:write"),
        confidential=True,
        role=Role.CUSTOMER_BUYER,
        key_account_ids=(world.a.key_account.id,),
    )
    response = await token_request(client, machine, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def test_the_customers_erp_reports_for_its_own_locations_only(runtime, client, world):
    await stock_world(runtime, world)
    token = await _erp(runtime, client, world, await _customer_admin(runtime, world))
    when = (clock.now() - timedelta(hours=1)).isoformat()
    headers = {"authorization": f"Bearer {token}", "content-type": "text/csv"}
    own = await client.post(
        f"/workspaces/{world.a.workspace_gid}/stock-uploads?format=csv",
        content=(HEADER + f"A-1,SKU-1,{when},12,3\n").encode(),
        headers=headers,
    )
    assert own.status_code == 200, own.text
    assert own.json()["accepted"] == 1
    # Another key account's workspace is none of its business: as if it did not exist.
    other = await client.post(
        f"/workspaces/{world.b.workspace_gid}/stock-uploads?format=csv",
        content=(HEADER + f"B-1,SKU-1,{when},12,3\n").encode(),
        headers=headers,
    )
    assert other.status_code == 404, other.text
    # A location of the other account named in its own workspace is not one of its own.
    stray = await client.post(
        f"/workspaces/{world.a.workspace_gid}/stock-uploads?format=csv&mode=VALID_ROWS",
        content=(HEADER + f"B-1,SKU-1,{when},12,3\n").encode(),
        headers=headers,
    )
    assert stray.status_code == 200 and stray.json()["accepted"] == 0, stray.text


async def test_the_customers_erp_acts_on_the_customers_side(runtime, client, world):
    await stock_world(runtime, world)
    token = await _erp(runtime, client, world, await _customer_admin(runtime, world))
    result = await bearer_gql(client, token, "{ viewer { side } }")
    assert result["data"]["viewer"]["side"] == "CUSTOMER"


async def test_only_the_customers_admin_registers_and_within_its_side(runtime, world):
    buyer = world.a.users[Role.CUSTOMER_BUYER]
    with pytest.raises(Forbidden):
        await make_client(
            runtime,
            buyer,
            kind=ClientKind.MACHINE,
            scopes=("inventory:write",),
            confidential=True,
            role=Role.CUSTOMER_BUYER,
            key_account_ids=(world.a.key_account.id,),
        )
    admin = await _customer_admin(runtime, world)
    with pytest.raises(UserError) as wrong_side:
        await make_client(
            runtime,
            admin,
            kind=ClientKind.MACHINE,
            scopes=("inventory:write",),
            confidential=True,
            role=Role.SUPPLIER_MEMBER,
            key_account_ids=(world.a.key_account.id,),
        )
    assert wrong_side.value.field == "role"
    with pytest.raises(UserError) as not_theirs:
        await make_client(
            runtime,
            admin,
            kind=ClientKind.MACHINE,
            scopes=("inventory:write",),
            confidential=True,
            role=Role.CUSTOMER_BUYER,
            key_account_ids=(world.b.key_account.id,),
        )
    assert not_theirs.value.field == "keyAccountIds"

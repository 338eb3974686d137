"""Nested lists are batched by DataLoaders: the SQL statements of a query do not grow with the
number of items it returns."""

from __future__ import annotations

import uuid

from kamp.accounts.models import Location, LocationKind, Membership, Role, User
from tests.conftest import count_statements
from tests.support import gql

WORKSPACE_PAGE = """{ viewer { workspaces { nodes {
  name memberCount keyAccount { tier kam { displayName } customer { name } }
  members(first: 100) { nodes { role user { displayName organization { name } } workspace { name } } }
  locations(first: 100) { nodes { name parent { name parent { name } } } }
} } } }"""


async def _grow(runtime, world, extra: int) -> None:
    async with runtime.session_factory() as session:
        for account in (world.a, world.b):
            for i in range(extra):
                org = account.users[Role.CUSTOMER_BUYER].organization_id
                user = User(
                    id=uuid.uuid4(),
                    organization_id=org,
                    email=f"extra{i}.{uuid.uuid4().hex[:6]}@example.com",
                    display_name=f"Extra {i}",
                )
                session.add(user)
                await session.flush()
                session.add(
                    Membership(
                        workspace_id=account.workspace.id, user_id=user.id, role=Role.CUSTOMER_BUYER
                    )
                )
                session.add(
                    Location(
                        workspace_id=account.workspace.id,
                        kind=LocationKind.DISTRICT,
                        name=f"District {i}",
                        parent_id=account.region.id,
                    )
                )
        await session.commit()


async def _statements(runtime, http) -> tuple[int, int]:
    with count_statements(runtime.engine) as sql:
        result = await gql(http, WORKSPACE_PAGE)
    assert "errors" not in result, result
    members = sum(
        len(w["members"]["nodes"]) for w in result["data"]["viewer"]["workspaces"]["nodes"]
    )
    return sql.count, members


async def test_statement_count_does_not_grow_with_items(world, clients, runtime):
    # A supplier member of both workspaces, so the query spans two workspaces.
    async with runtime.session_factory() as session:
        session.add(
            Membership(
                workspace_id=world.b.workspace.id,
                user_id=world.a.users[Role.SUPPLIER_MEMBER].id,
                role=Role.SUPPLIER_MEMBER,
            )
        )
        await session.commit()
    http = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    small, small_members = await _statements(runtime, http)
    await _grow(runtime, world, 40)
    large, large_members = await _statements(runtime, http)
    assert large_members == small_members + 80
    assert large == small, (small, large)
    assert small <= 20

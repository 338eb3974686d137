"""Shared test data: two key accounts of one supplier, a person in every role, and helpers."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kamp.accounts.models import (
    KeyAccount,
    KeyAccountStatus,
    Location,
    LocationKind,
    Membership,
    Organization,
    Role,
    Side,
    Tier,
    User,
    Workspace,
)
from kamp.auth.passwords import hash_password
from kamp.graphql.relay import to_global_id

PASSWORD = "correct horse battery"
_HASH = hash_password(PASSWORD)


@dataclass
class Account:
    key_account: KeyAccount
    workspace: Workspace
    customer: Organization
    hq: Location
    region: Location
    users: dict[Role, User] = field(default_factory=dict)
    memberships: dict[Role, Membership] = field(default_factory=dict)

    @property
    def workspace_gid(self) -> str:
        return to_global_id("Workspace", self.workspace.id)

    def email(self, role: Role) -> str:
        return self.users[role].email


@dataclass
class World:
    supplier: Organization
    admin: User
    a: Account
    b: Account


def _user(org: Organization, email: str, *, admin: bool = False) -> User:
    return User(
        id=uuid.uuid4(),
        organization_id=org.id,
        email=email,
        display_name=email.split("@")[0].replace(".", " ").title(),
        password_hash=_HASH,
        is_org_admin=admin,
    )


async def _account(session: AsyncSession, supplier: Organization, tag: str) -> Account:
    customer = Organization(id=uuid.uuid4(), name=f"Customer {tag}", kind=Side.CUSTOMER)
    session.add(customer)
    users = {
        role: _user(
            customer if role.side == Side.CUSTOMER else supplier,
            f"{role.lower()}.{tag}@example.com",
        )
        for role in Role
    }
    session.add_all(users.values())
    await session.flush()
    key_account = KeyAccount(
        supplier_id=supplier.id,
        customer_id=customer.id,
        kam_id=users[Role.KAM].id,
        name=f"Account {tag}",
        tier=Tier.STRATEGIC,
        status=KeyAccountStatus.ACTIVE,
    )
    session.add(key_account)
    await session.flush()
    workspace = Workspace(key_account_id=key_account.id, name=f"Workspace {tag}")
    session.add(workspace)
    await session.flush()
    memberships = {
        role: Membership(workspace_id=workspace.id, user_id=user.id, role=role)
        for role, user in users.items()
    }
    session.add_all(memberships.values())
    hq = Location(workspace_id=workspace.id, kind=LocationKind.HEADQUARTERS, name=f"HQ {tag}")
    session.add(hq)
    await session.flush()
    region = Location(
        workspace_id=workspace.id, kind=LocationKind.REGION, name=f"Region {tag}", parent_id=hq.id
    )
    session.add(region)
    await session.flush()
    return Account(key_account, workspace, customer, hq, region, users, memberships)


async def build_world(factory: async_sessionmaker[AsyncSession]) -> World:
    async with factory() as session:
        supplier = Organization(id=uuid.uuid4(), name="Supplier", kind=Side.SUPPLIER)
        session.add(supplier)
        admin = _user(supplier, "admin@supplier.example.com", admin=True)
        session.add(admin)
        await session.flush()
        a = await _account(session, supplier, "a")
        b = await _account(session, supplier, "b")
        await session.commit()
    return World(supplier, admin, a, b)


async def gql(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json()


def gid(type_name: str, row_id: uuid.UUID) -> str:
    return to_global_id(type_name, row_id)


def error_codes(result: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in result.get("errors", [])]


async def snapshot(factory: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused request changed nothing."""
    from sqlalchemy import select

    from kamp.db import Base

    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with factory() as session:
        for table in Base.metadata.sorted_tables:
            result = await session.execute(select(table))
            rows[table.name] = sorted(tuple(map(str, r)) for r in result.all())
    return rows


FRONTEND = Path(__file__).resolve().parent.parent / "frontend" / "src"


def web_app_document(path: str, operation: str) -> str:
    """A GraphQL document of the web app, as the page sends it (tests stay in step with it)."""
    source = (FRONTEND / path).read_text()
    for document in re.findall(r"graphql\(`(.*?)`\)", source, re.S):
        if re.search(rf"\b(query|mutation|subscription) {operation}\b", document):
            return document
    raise LookupError(f"{operation} is not in {path}")

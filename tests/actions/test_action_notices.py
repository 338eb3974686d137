"""Who hears of an action item: its new owner, and the members mentioned in a comment (never
a customer on an internal one). An internal item cannot be owned by a customer."""

from __future__ import annotations

from sqlalchemy import select

from kamp.accounts.models import Role
from kamp.mail.models import OutboxMessage
from kamp.notifications.models import Notification
from tests.clock import iso_day
from tests.meetings.support import ADD_COMMENT, CREATE_ACTION, UPDATE_ACTION
from tests.plans.support import ok
from tests.support import gid, gql, snapshot


def _user(world, role: Role) -> str:
    return gid("User", world.a.users[role].id)


async def _notices(runtime, world, role: Role) -> list[tuple[str, str]]:
    async with runtime.session_factory() as session:
        rows = await session.scalars(
            select(Notification)
            .where(Notification.user_id == world.a.users[role].id)
            .order_by(Notification.created_at)
        )
        return [(row.kind, row.title) for row in rows]


async def _mail_to(runtime, email: str) -> list[str]:
    async with runtime.session_factory() as session:
        rows = await session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.recipient == email)
        )
        return list(rows)


async def test_the_new_owner_is_told(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    mine = await ok(
        kam,
        CREATE_ACTION,
        {"input": {"workspaceId": ws, "title": "Own task", "ownerId": _user(world, Role.KAM)}},
    )
    assert mine and await _notices(runtime, world, Role.KAM) == []
    item = await ok(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": ws,
                "title": "Send volumes",
                "ownerId": _user(world, Role.CUSTOMER_BUYER),
                "dueDate": iso_day(10),
            }
        },
    )
    assert await _notices(runtime, world, Role.CUSTOMER_BUYER) == [
        ("action.assigned", "Action item for you: Send volumes")
    ]
    assert await _mail_to(runtime, world.a.email(Role.CUSTOMER_BUYER)) == [
        "Action item for you: Send volumes"
    ]
    # Handing it over tells the next owner; an edit that keeps the owner tells nobody.
    await ok(
        kam,
        UPDATE_ACTION,
        {"input": {"id": item["id"], "version": 1, "ownerId": _user(world, Role.SUPPLIER_MEMBER)}},
    )
    await ok(kam, UPDATE_ACTION, {"input": {"id": item["id"], "version": 2, "title": "Volumes"}})
    assert await _notices(runtime, world, Role.SUPPLIER_MEMBER) == [
        ("action.assigned", "Action item for you: Send volumes")
    ]
    assert len(await _notices(runtime, world, Role.CUSTOMER_BUYER)) == 1


async def test_mentions_notify_readers_only(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    ws = world.a.workspace_gid
    shared = await ok(kam, CREATE_ACTION, {"input": {"workspaceId": ws, "title": "Shared"}})
    internal = await ok(
        kam,
        CREATE_ACTION,
        {"input": {"workspaceId": ws, "title": "Internal", "visibility": "INTERNAL"}},
    )
    member = world.a.email(Role.SUPPLIER_MEMBER)
    text = f"@{world.a.email(Role.CUSTOMER_BUYER)} and @{member}, please look; @{world.a.email(Role.KAM)}"
    await ok(kam, ADD_COMMENT, {"input": {"actionItemId": shared["id"], "text": text}})
    await ok(kam, ADD_COMMENT, {"input": {"actionItemId": internal["id"], "text": text}})
    # The buyer comments on a shared item and mentions the KAM.
    await ok(
        buyer,
        ADD_COMMENT,
        {"input": {"actionItemId": shared["id"], "text": f"Done soon @{world.a.email(Role.KAM)}"}},
    )
    assert await _notices(runtime, world, Role.CUSTOMER_BUYER) == [
        ("action.mentioned", "You were mentioned on: Shared")
    ]
    assert await _notices(runtime, world, Role.SUPPLIER_MEMBER) == [
        ("action.mentioned", "You were mentioned on: Shared"),
        ("action.mentioned", "You were mentioned on: Internal"),
    ]
    # The author is not told of their own mention, but hears the buyer's.
    assert await _notices(runtime, world, Role.KAM) == [
        ("action.mentioned", "You were mentioned on: Shared")
    ]
    assert not any(
        "Internal" in subject
        for subject in await _mail_to(runtime, world.a.email(Role.CUSTOMER_BUYER))
    )


async def test_an_internal_item_needs_a_supplier_owner(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    shared = await ok(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": ws,
                "title": "Quote",
                "ownerId": _user(world, Role.CUSTOMER_BUYER),
            }
        },
    )
    before = await snapshot(runtime.session_factory)
    refused = await gql(
        kam,
        CREATE_ACTION,
        {
            "input": {
                "workspaceId": ws,
                "title": "Margin check",
                "visibility": "INTERNAL",
                "ownerId": _user(world, Role.CUSTOMER_BUYER),
            }
        },
    )
    errors = refused["data"]["createActionItem"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("ownerId", "INVALID")]
    made_internal = await gql(
        kam, UPDATE_ACTION, {"input": {"id": shared["id"], "version": 1, "visibility": "INTERNAL"}}
    )
    assert [e["field"] for e in made_internal["data"]["updateActionItem"]["errors"]] == ["ownerId"]
    assert await snapshot(runtime.session_factory) == before

"""Published minutes reach every attendee once: the customer side reads the shared agenda
notes and decisions, the supplier side the internal ones too; a refused publication sends
nothing."""

from __future__ import annotations

from sqlalchemy import select

from kamp.accounts.models import Role
from kamp.mail.models import OutboxMessage
from tests.meetings.support import CREATE_AGENDA_ITEM, PUBLISH_MINUTES, RECORD_DECISION
from tests.meetings.test_calendar import qbr  # noqa: F401
from tests.plans.support import ok
from tests.support import gql, snapshot


async def _minutes(runtime) -> dict[str, list[str]]:
    async with runtime.session_factory() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Minutes:"))
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.recipient, []).append(row.body)
        return found


async def test_minutes_carry_decisions_as_each_side_may_see_them(qbr, world, clients, runtime):  # noqa: F811
    kam, meeting, _ = qbr
    item = await ok(
        kam,
        CREATE_AGENDA_ITEM,
        {"input": {"meetingId": meeting["id"], "title": "Pilot rollout", "notes": "Two sites"}},
    )
    for text, visibility in (("Ship the pilot in May", "SHARED"), ("Offer no rebate", "INTERNAL")):
        await ok(
            kam,
            RECORD_DECISION,
            {
                "input": {
                    "meetingId": meeting["id"],
                    "agendaItemId": item["id"],
                    "text": text,
                    "visibility": visibility,
                }
            },
        )
    # The buyer may not publish: refused, nothing changes and no one is told.
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    before = await snapshot(runtime.session_factory)
    refused = await gql(buyer, PUBLISH_MINUTES, {"input": {"id": meeting["id"], "version": 1}})
    assert refused.get("errors") or refused["data"]["publishMinutes"]["errors"]
    assert await snapshot(runtime.session_factory) == before
    assert await _minutes(runtime) == {}

    await ok(kam, PUBLISH_MINUTES, {"input": {"id": meeting["id"], "version": 1}})
    retry = await gql(kam, PUBLISH_MINUTES, {"input": {"id": meeting["id"], "version": 1}})
    assert retry["data"]["publishMinutes"]["errors"][0]["code"] == "CONFLICT"
    minutes = await _minutes(runtime)
    buyer_email, member_email = (
        world.a.email(Role.CUSTOMER_BUYER),
        world.a.email(Role.SUPPLIER_MEMBER),
    )
    assert sorted(minutes) == sorted([buyer_email, member_email])  # the KAM published them
    [buyer_body], [member_body] = minutes[buyer_email], minutes[member_email]
    assert "Pilot rollout" in buyer_body and "Two sites" in buyer_body
    assert "Ship the pilot in May" in buyer_body
    assert "Offer no rebate" not in buyer_body
    assert "Supplier preparation" not in buyer_body
    assert "Ship the pilot in May" in member_body and "Offer no rebate" in member_body

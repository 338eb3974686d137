"""An agenda's limits count what the one adding sees: a customer who meets the limit sooner
than the items it sees would have counted the supplier's internal ones."""

from __future__ import annotations

from sqlalchemy import func, select

from kamp.accounts.models import Role
from kamp.meetings import agenda
from kamp.meetings.models import AgendaItem, MeetingDecision
from tests.meetings.support import CREATE_AGENDA_ITEM, RECORD_DECISION, new_meeting
from tests.plans.support import ok
from tests.support import gql


async def _fill(kam, meeting_id: str, query: str, field: str, count: int) -> None:
    for n in range(count):
        await ok(
            kam,
            query,
            {"input": {"meetingId": meeting_id, field: f"Internal {n}", "visibility": "INTERNAL"}},
        )


async def test_hidden_items_and_decisions_do_not_count_against_the_customer(
    world, clients, runtime, monkeypatch
):
    monkeypatch.setattr(agenda, "MAX_AGENDA_ITEMS", 3)
    monkeypatch.setattr(agenda, "MAX_DECISIONS", 3)
    kam = await clients.as_user(world.a.email(Role.KAM))
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    meeting = await new_meeting(kam, world.a.workspace_gid)
    await _fill(kam, meeting["id"], CREATE_AGENDA_ITEM, "title", 3)
    await _fill(kam, meeting["id"], RECORD_DECISION, "text", 3)
    # The buyer sees no item and no decision: it may add up to the limit, like in an empty one.
    for n in range(3):
        await ok(
            buyer, CREATE_AGENDA_ITEM, {"input": {"meetingId": meeting["id"], "title": f"B{n}"}}
        )
        await ok(buyer, RECORD_DECISION, {"input": {"meetingId": meeting["id"], "text": f"D{n}"}})
    for query, payload, field in (
        (CREATE_AGENDA_ITEM, "createAgendaItem", "title"),
        (RECORD_DECISION, "recordDecision", "text"),
    ):
        refused = await gql(buyer, query, {"input": {"meetingId": meeting["id"], field: "more"}})
        assert [e["code"] for e in refused["data"][payload]["errors"]] == ["INVALID"]
    # The buyer's items come after the internal ones, as added.
    async with runtime.session_factory() as session:
        titles = list(await session.scalars(select(AgendaItem.title).order_by(AgendaItem.position)))
        decisions = await session.scalar(select(func.count()).select_from(MeetingDecision))
    assert titles[-3:] == ["B0", "B1", "B2"] and decisions == 6

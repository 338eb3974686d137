"""Nested lists of meetings and action items are batched: the statement count of a page does
not grow with the number of meetings or items on it."""

from __future__ import annotations

from kamp.accounts.models import Role
from tests.conftest import count_statements
from tests.meetings.support import CREATE_ACTION, new_meeting
from tests.plans.support import ok
from tests.support import gid, gql

PAGE = """query($ws: ID!) {
  meetings(workspaceId: $ws) { nodes { id series { id } attendees { email }
    agendaItems { id owner { email } } decisions { id agendaItem { id } } } }
  actionItems(workspaceId: $ws) { nodes { id owner { email } meeting { id } } } }"""


async def _statements(http, runtime, ws: str) -> int:
    with count_statements(runtime.engine) as sql:
        result = await gql(http, PAGE, {"ws": ws})
    assert "errors" not in result, result
    return sql.count


async def test_statement_count_does_not_grow(world, clients, runtime):
    kam = await clients.as_user(world.a.email(Role.KAM))
    ws = world.a.workspace_gid
    attendees = [gid("User", world.a.users[r].id) for r in (Role.KAM, Role.CUSTOMER_BUYER)]

    async def add(n: int) -> None:
        for _ in range(n):
            meeting = await new_meeting(kam, ws, kind="WEEKLY_STANDING", attendeeIds=attendees)
            await ok(
                kam,
                CREATE_ACTION,
                {
                    "input": {
                        "workspaceId": ws,
                        "title": "x",
                        "meetingId": meeting["id"],
                        "ownerId": attendees[1],
                    }
                },
            )

    await add(1)
    await _statements(kam, runtime, ws)  # warm caches
    few = await _statements(kam, runtime, ws)
    await add(4)
    assert await _statements(kam, runtime, ws) == few

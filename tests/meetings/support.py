"""Building meetings and action items through the API for tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.clock import days_from_today, local, utc_iso
from tests.plans.support import ok

CHICAGO = "America/Chicago"
BERLIN = "Europe/Berlin"

ERRORS = "errors { field code message }"
CREATE_SERIES = f"""mutation($input: CreateMeetingSeriesInput!) {{ createMeetingSeries(input: $input) {{
  series {{ id version rrule timeZone }} {ERRORS} }} }}"""
CREATE_MEETING = f"""mutation($input: CreateMeetingInput!) {{ createMeeting(input: $input) {{
  meeting {{ id version status visibility startsAt minutesPublishedAt
    agendaItems {{ id title position timeBoxMinutes visibility }} attendees {{ email }} }}
  {ERRORS} }} }}"""
UPDATE_MEETING = f"""mutation($input: UpdateMeetingInput!) {{ updateMeeting(input: $input) {{
  meeting {{ id version title status }} {ERRORS} }} }}"""
CANCEL_MEETING = f"""mutation($input: MeetingVersionInput!) {{ cancelMeeting(input: $input) {{
  meeting {{ id version status }} {ERRORS} }} }}"""
PUBLISH_MINUTES = f"""mutation($input: MeetingVersionInput!) {{ publishMinutes(input: $input) {{
  meeting {{ id version status minutesPublishedAt }} {ERRORS} }} }}"""
CREATE_AGENDA_ITEM = f"""mutation($input: CreateAgendaItemInput!) {{ createAgendaItem(input: $input) {{
  item {{ id version visibility position }} {ERRORS} }} }}"""
UPDATE_AGENDA_ITEM = f"""mutation($input: UpdateAgendaItemInput!) {{ updateAgendaItem(input: $input) {{
  item {{ id version title notes }} {ERRORS} }} }}"""
MOVE_AGENDA_ITEM = f"""mutation($input: MoveAgendaItemInput!) {{ moveAgendaItem(input: $input) {{
  item {{ id version position }} {ERRORS} }} }}"""
RECORD_DECISION = f"""mutation($input: RecordDecisionInput!) {{ recordDecision(input: $input) {{
  decision {{ id version visibility }} {ERRORS} }} }}"""
UPDATE_DECISION = f"""mutation($input: UpdateDecisionInput!) {{ updateDecision(input: $input) {{
  decision {{ id version text }} {ERRORS} }} }}"""
DELETE_ELEMENT = f"""mutation($input: MeetingElementIdInput!) {{ deleteMeetingElement(input: $input) {{
  deletedId {ERRORS} }} }}"""
CREATE_ACTION = f"""mutation($input: CreateActionItemInput!) {{ createActionItem(input: $input) {{
  actionItem {{ id version visibility status }} {ERRORS} }} }}"""
UPDATE_ACTION = f"""mutation($input: UpdateActionItemInput!) {{ updateActionItem(input: $input) {{
  actionItem {{ id version title status }} {ERRORS} }} }}"""
DELETE_ACTION = f"""mutation($input: ActionItemIdInput!) {{ deleteActionItem(input: $input) {{
  deletedId {ERRORS} }} }}"""
ADD_COMMENT = f"""mutation($input: AddActionCommentInput!) {{ addActionComment(input: $input) {{
  comment {{ id version visibility mentions {{ email }} }} {ERRORS} }} }}"""


def utc_at(day: date, hour: int) -> str:
    """`day` at `hour` UTC, as the API writes an instant."""
    return utc_iso(local(day, hour, "UTC"))


async def new_meeting(
    http, workspace_gid: str, *, kind: str = "OTHER", visibility: str = "SHARED", **extra: Any
) -> dict[str, Any]:
    """A meeting at 09:00 in Chicago two weeks from today, unless `startsAt` says otherwise."""
    return await ok(
        http,
        CREATE_MEETING,
        {
            "input": {
                "workspaceId": workspace_gid,
                "title": f"{kind} call",
                "meetingType": kind,
                "startsAt": utc_iso(local(days_from_today(14), 9, CHICAGO)),
                "timeZone": CHICAGO,
                "visibility": visibility,
                **extra,
            }
        },
    )


async def one_of_each(kam, workspace_gid: str, meeting_id: str, visibility: str) -> dict[str, str]:
    """An agenda item, a decision, an action item and a comment with the given visibility."""
    v = {"visibility": visibility}
    item = await ok(
        kam, CREATE_AGENDA_ITEM, {"input": {"meetingId": meeting_id, "title": "Prep", **v}}
    )
    decision = await ok(
        kam, RECORD_DECISION, {"input": {"meetingId": meeting_id, "text": "Go ahead", **v}}
    )
    action = await ok(
        kam,
        CREATE_ACTION,
        {"input": {"workspaceId": workspace_gid, "title": f"Follow up ({visibility})", **v}},
    )
    comment = await ok(
        kam, ADD_COMMENT, {"input": {"actionItemId": action["id"], "text": "On it.", **v}}
    )
    return {
        "AgendaItem": item["id"],
        "MeetingDecision": decision["id"],
        "ActionItem": action["id"],
        "ActionComment": comment["id"],
    }

"""An invitation as it reaches a real mailbox: delivered by the arq worker over SMTP, with the
meeting as a text/calendar (METHOD=REQUEST) part that a calendar library reads."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from kamp.accounts.models import Role
from tests.clock import days_from_today, local, utc_iso
from tests.forecasts.test_deviations import returned, run_worker
from tests.meetings.support import new_meeting
from tests.support import gid

pytestmark = [
    pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning"),
    pytest.mark.usefixtures("empty_redis"),
]


async def test_invitation_mail_carries_a_calendar_part(world, clients, settings, inbox):
    kam = await clients.as_user(world.a.email(Role.KAM))
    day = days_from_today(30)
    await new_meeting(
        kam,
        world.a.workspace_gid,
        kind="WEEKLY_STANDING",
        startsAt=utc_iso(local(day, 16, "Europe/Berlin")),  # sent in UTC
        timeZone="Europe/Berlin",
        attendeeIds=[gid("User", world.a.users[Role.CUSTOMER_BUYER].id)],
    )
    results = await run_worker(settings)
    assert returned(results, "deliver_mail") == [True]
    [message] = inbox.messages
    assert message["To"] == world.a.email(Role.CUSTOMER_BUYER)
    assert str(message["Subject"]).strip().startswith("Invitation: WEEKLY_STANDING call")
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.tzinfo.key, start.date(), start.hour) == ("Europe/Berlin", day, 16)
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{world.a.email(Role.CUSTOMER_BUYER)}"]

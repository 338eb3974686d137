"""The demo is built from the day it is loaded: whatever the day, the plan is this year's,
actuals run up to last month with one deviation, the next weekly call is within a week, some
action items are due soon and one is overdue, and the pipeline spreads over the quarters."""

from __future__ import annotations

from calendar import isleap
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from kamp.accounts.models import Organization, Side, User
from kamp.actions.models import ActionItem, ActionStatus
from kamp.forecasts.models import ForecastEntry
from kamp.inventory.models import AlertKind, LineStatus, ProposalLine, StockAlert
from kamp.meetings.models import AgendaItem, AgendaTopic, Meeting, MeetingStatus, MeetingType
from kamp.pipeline.models import Opportunity, OpportunityStage
from kamp.plans.models import AccountPlan
from kamp.relationships.models import Contact
from kamp.runtime import Runtime
from kamp.seed import seed_demo
from tests.clock import days_from_today


def _next_leap_day(today: date) -> date:
    year = next(
        y for y in range(today.year, today.year + 9) if isleap(y) and date(y, 2, 29) > today
    )
    return date(year, 2, 29)


# Days that trip date arithmetic, all found from today: the turn of the year on both sides,
# a leap day, and today itself.
DAYS: dict[str, Callable[[date], datetime]] = {
    "today": lambda today: datetime.combine(today, time(12), tzinfo=UTC),
    "new-year's-day": lambda today: datetime(today.year + 1, 1, 1, 0, 30, tzinfo=UTC),
    "new-year's-eve": lambda today: datetime(today.year, 12, 31, 23, 30, tzinfo=UTC),
    "leap-day": lambda today: datetime.combine(_next_leap_day(today), time(9), tzinfo=UTC),
}


@pytest.mark.parametrize("day", DAYS)
async def test_the_demo_is_current_on_any_day(day, runtime: Runtime, clock):
    now = clock.travel(DAYS[day](days_from_today(0)))
    today = now.date()
    assert await seed_demo(runtime.settings)

    async with runtime.session_factory() as session:
        plans = list(await session.scalars(select(AccountPlan)))
        assert [plan.period for plan in plans] == [str(today.year)]

        # Actuals for every month before this one, none after; last month's is the deviation.
        this_month = today.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        entries = list(await session.scalars(select(ForecastEntry)))
        months = {entry.month for entry in entries}
        assert {last_month, this_month, date(today.year, 12, 1)} <= months
        for entry in entries:
            assert (entry.actual is not None) == (entry.month < this_month), entry.month
        off = {e.month for e in entries if e.actual is not None and e.actual < e.forecast * 9 / 10}
        assert off == {last_month}

        meetings = list(await session.scalars(select(Meeting).order_by(Meeting.starts_at)))
        held = [m for m in meetings if m.status == MeetingStatus.HELD]
        assert len(held) == 1 and now - timedelta(days=8) < held[0].starts_at < now
        weekly = [
            m
            for m in meetings
            if m.meeting_type == MeetingType.WEEKLY_STANDING and m.starts_at > now
        ]
        assert len(weekly) >= 4 and weekly[0].starts_at - now < timedelta(days=7)
        assert any(m.meeting_type == MeetingType.QUARTERLY_BUSINESS_REVIEW for m in meetings)

        items = list(await session.scalars(select(ActionItem)))
        open_due = [
            i.due_date
            for i in items
            if i.due_date and i.status not in (ActionStatus.DONE, ActionStatus.CANCELLED)
        ]
        assert sum(due < today for due in open_due) == 1
        assert any(today <= due <= today + timedelta(days=7) for due in open_due)

        # One branch is heading for a stock-out: alerted, proposed, on the weekly call.
        alerts = list(await session.scalars(select(StockAlert)))
        assert [(a.kind, a.cleared_at) for a in alerts] == [(AlertKind.STOCKOUT_RISK, None)]
        lines = list(await session.scalars(select(ProposalLine)))
        assert [(line.status, line.quantity > 0) for line in lines] == [(LineStatus.PROPOSED, True)]
        agenda = await session.scalars(
            select(AgendaItem.topic).where(AgendaItem.meeting_id == weekly[0].id)
        )
        assert AgendaTopic.SUPPLY_AND_STOCK in set(agenda)

        opportunities = list(await session.scalars(select(Opportunity)))
        closed = (OpportunityStage.WON, OpportunityStage.LOST)
        for opportunity in opportunities:
            assert opportunity.expected_close is not None
            in_past = opportunity.expected_close < today
            assert in_past == (opportunity.stage in closed), opportunity.name
        quarters = {
            (o.expected_close.year, (o.expected_close.month - 1) // 3)
            for o in opportunities
            if o.stage not in closed and o.expected_close
        }
        assert len(quarters) >= 2


async def test_no_customer_person_appears_in_another_accounts_org_chart(runtime: Runtime):
    assert await seed_demo(runtime.settings)
    async with runtime.session_factory() as session:
        people = (
            await session.execute(
                select(User.display_name, Organization.name)
                .join(Organization, Organization.id == User.organization_id)
                .where(Organization.kind == Side.CUSTOMER)
            )
        ).all()
        contacts = set(await session.scalars(select(Contact.name)))
    assert contacts, "the demo has an org chart"
    company_of = dict(people)
    # Every contact who signs in as well belongs to the account whose chart names them (the
    # one account with an org chart is Hollis).
    assert {name: company_of[name] for name in contacts if name in company_of} == {
        "Dana Whitfield": "Hollis Building Products"
    }

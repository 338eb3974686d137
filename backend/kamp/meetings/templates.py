"""The default agenda of each meeting type, and laying it out for a new meeting. Apart from
the agenda's use cases, so that scheduling a meeting (meetings.service) needs no agenda."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from kamp.auth.policy import Permission, can
from kamp.auth.principal import Principal
from kamp.coediting import writes
from kamp.coediting.models import Visibility
from kamp.inventory import alerts
from kamp.meetings.models import AgendaItem, AgendaTopic, Meeting, MeetingType


@dataclass(frozen=True)
class TemplateItem:
    title: str
    minutes: int
    topic: AgendaTopic = AgendaTopic.GENERAL
    # Supplier-only preparation: INTERNAL, so the customer never sees it in the agenda.
    internal: bool = False
    # Only for accounts whose stock kamp keeps.
    stock: bool = False


_PREPARATION = TemplateItem(
    "Supplier preparation: positions, talking points and asks", 10, internal=True
)
_SALES = TemplateItem(
    "Sales performance update: % of year-to-date and annual goal",
    10,
    AgendaTopic.SALES_PERFORMANCE,
)
_ISSUES = TemplateItem("Issues needing resolution or escalation", 10, AgendaTopic.ISSUES)
_PIPELINE = TemplateItem(
    "Pipeline review: new, open and lost opportunities", 10, AgendaTopic.PIPELINE_REVIEW
)
_MARKETING = TemplateItem("Marketing and business development", 5, AgendaTopic.MARKETING)
_CORPORATE = TemplateItem(
    "Corporate update: people moves, strategic changes, M&A", 5, AgendaTopic.CORPORATE_UPDATE
)
_FIELD = TemplateItem(
    "Voice of the field: updates from branches, districts and regions",
    10,
    AgendaTopic.VOICE_OF_THE_FIELD,
)
_SUPPLY = TemplateItem(
    "Supply and stock: stock-out risks, overstock and late stock reports",
    10,
    AgendaTopic.SUPPLY_AND_STOCK,
    stock=True,
)
_PLAN = TemplateItem("Account plan: objectives and initiatives", 20, AgendaTopic.PLAN_REVIEW)
_ACTIONS = TemplateItem("Action items: review and next steps", 10, AgendaTopic.ACTION_REVIEW)

# The default agenda of each meeting type.
TEMPLATES: dict[MeetingType, list[TemplateItem]] = {
    MeetingType.KICK_OFF: [
        _PREPARATION,
        TemplateItem("Introductions: who is who on both sides", 15),
        _PLAN,
        TemplateItem("Ways of working and meeting cadence", 10),
        _ACTIONS,
    ],
    MeetingType.WEEKLY_STANDING: [
        _SALES,
        _SUPPLY,
        _ISSUES,
        _PIPELINE,
        _MARKETING,
        _CORPORATE,
        _FIELD,
    ],
    MeetingType.MONTHLY_EXECUTIVE_REVIEW: [
        _PREPARATION,
        _SALES,
        _PLAN,
        _PIPELINE,
        _ISSUES,
        _CORPORATE,
        _ACTIONS,
    ],
    MeetingType.QUARTERLY_BUSINESS_REVIEW: [
        _PREPARATION,
        _SALES,
        _PLAN,
        _PIPELINE,
        _MARKETING,
        _FIELD,
        _CORPORATE,
        _ACTIONS,
    ],
    MeetingType.JOINT_PLANNING: [
        _SALES,
        TemplateItem("SWOT: strengths, weaknesses, opportunities, threats", 20),
        TemplateItem("Objectives and measures for the next period", 30, AgendaTopic.PLAN_REVIEW),
        TemplateItem("Initiatives, owners and contingency", 20, AgendaTopic.PLAN_REVIEW),
        _ACTIONS,
    ],
}


def default_visibility(meeting: Meeting) -> Visibility:
    return Visibility.INTERNAL if meeting.visibility == Visibility.INTERNAL else Visibility.SHARED


async def apply_template(session: AsyncSession, principal: Principal, meeting: Meeting) -> None:
    """A new meeting's default agenda, from the template of its type. Preparation items are
    left out when the one scheduling may not create INTERNAL content."""
    sees_internal = can(principal, meeting.workspace_id, Permission.ACCOUNT_INTERNAL_READ)
    template = TEMPLATES.get(meeting.meeting_type, [])
    stock = any(i.stock for i in template) and await alerts.keeps_stock(
        session, meeting.workspace_id
    )
    items = [
        item
        for item in template
        if (sees_internal or not item.internal) and (stock or not item.stock)
    ]
    for position, item in enumerate(items):
        row = AgendaItem(
            workspace_id=meeting.workspace_id,
            meeting_id=meeting.id,
            title=item.title,
            time_box_minutes=item.minutes,
            position=position,
            topic=item.topic,
            visibility=Visibility.INTERNAL if item.internal else default_visibility(meeting),
        )
        await writes.create(session, principal=principal, row=row)

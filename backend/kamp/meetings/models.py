"""Meetings of a key account team: series with a cadence, single meetings with attendees from
both sides, agendas (with the minutes' notes per item) and recorded decisions."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text, Time, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from kamp.coediting.models import WorkspaceElement
from kamp.db import Base, Entity, UTCDateTime, enum_column


class MeetingType(StrEnum):
    KICK_OFF = "KICK_OFF"
    WEEKLY_STANDING = "WEEKLY_STANDING"
    MONTHLY_EXECUTIVE_REVIEW = "MONTHLY_EXECUTIVE_REVIEW"
    QUARTERLY_BUSINESS_REVIEW = "QUARTERLY_BUSINESS_REVIEW"
    JOINT_PLANNING = "JOINT_PLANNING"
    OTHER = "OTHER"


class MeetingStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


class AgendaTopic(StrEnum):
    """What an agenda item is about; some topics bring live figures into the agenda."""

    GENERAL = "GENERAL"
    SALES_PERFORMANCE = "SALES_PERFORMANCE"  # % of YTD and annual goal, from the forecasts
    ISSUES = "ISSUES"
    PIPELINE_REVIEW = "PIPELINE_REVIEW"  # new, open and lost opportunities
    MARKETING = "MARKETING"
    CORPORATE_UPDATE = "CORPORATE_UPDATE"
    VOICE_OF_THE_FIELD = "VOICE_OF_THE_FIELD"
    PLAN_REVIEW = "PLAN_REVIEW"
    ACTION_REVIEW = "ACTION_REVIEW"
    SUPPLY_AND_STOCK = "SUPPLY_AND_STOCK"  # open stock alerts, from the inventory


class MeetingSeries(WorkspaceElement, Base):
    """A recurring meeting: an RFC 5545 RRULE evaluated in the series' own time zone, so the
    local start time holds across daylight-saving changes."""

    __tablename__ = "meeting_series"

    title: Mapped[str] = mapped_column(String(200))
    meeting_type: Mapped[MeetingType] = mapped_column(enum_column(MeetingType, "meeting_type"))
    rrule: Mapped[str] = mapped_column(String(500))  # e.g. FREQ=WEEKLY;BYDAY=TU
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name
    starts_on: Mapped[date] = mapped_column(Date)  # the rule's first possible day (DTSTART)
    local_start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(default=60)


class Meeting(WorkspaceElement, Base):
    """A meeting, alone or of a series. One its series scheduled keeps the start of the
    occurrence it is (`occurrence_at`, kept when the meeting moves): a series has at most one
    meeting per occurrence, however many schedulers run at once."""

    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("series_id", "occurrence_at"),)
    parent = ("series_id", "MeetingSeries")

    series_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("meeting_series.id", ondelete="SET NULL"), index=True
    )
    # The occurrence's start (UTC) for a meeting the series scheduled; None for any other.
    occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    meeting_type: Mapped[MeetingType] = mapped_column(
        enum_column(MeetingType, "meeting_meeting_type")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # UTC
    time_zone: Mapped[str] = mapped_column(String(64))  # the zone it was planned in
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus, "meeting_status"))
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MeetingAttendee(Entity, Base):
    """A workspace member (of either side) invited to a meeting; seen with the meeting."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )


class AgendaItem(WorkspaceElement, Base):
    """One point of a meeting's agenda; `notes` are its minutes."""

    __tablename__ = "agenda_items"
    parent = ("meeting_id", "Meeting")

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    time_box_minutes: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    topic: Mapped[AgendaTopic] = mapped_column(
        enum_column(AgendaTopic, "agenda_topic"),
        default=AgendaTopic.GENERAL,
        server_default=AgendaTopic.GENERAL.value,
    )


class MeetingDecision(WorkspaceElement, Base):
    __tablename__ = "meeting_decisions"
    parent = ("meeting_id", "Meeting")
    references = {"agenda_item_id": "AgendaItem"}

    meeting_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)


class CalendarFeed(Entity, Base):
    """A user's calendar feed: its URL holds a secret of which only the SHA-256 is kept.
    Deleting the row revokes the URL; a user has at most one."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Meeting occurrences: a meeting a series scheduled keeps the start of its occurrence, unique
per series, so concurrent schedulers cannot create it twice.

Meetings of a series that share a start are duplicates of one occurrence: the first (one that
was worked on, if any) becomes the occurrence; of the others, those nobody touched (still
scheduled, never edited, no decisions, no action items, agenda as the template made it) are
deleted, and the rest stay as meetings of the series outside any occurrence.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:12:40.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _untouched(connection: Any, meeting_id: Any) -> bool:
    row = connection.execute(
        sa.text(
            "SELECT (SELECT count(*) FROM meeting_decisions WHERE meeting_id = :id)"
            " + (SELECT count(*) FROM action_items WHERE meeting_id = :id)"
            " + (SELECT count(*) FROM agenda_items WHERE meeting_id = :id AND version > 1)"
        ),
        {"id": meeting_id},
    ).scalar_one()
    return row == 0


def _occurrences(connection: Any) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT id, series_id, starts_at, version, status FROM meetings"
            " WHERE series_id IS NOT NULL ORDER BY series_id, starts_at, created_at, id"
        )
    ).all()
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.series_id, row.starts_at), []).append(row)
    for group in groups.values():
        untouched = [
            row.version == 1 and row.status == "SCHEDULED" and _untouched(connection, row.id)
            for row in group
        ]
        # The first one worked on, else the first: the rest are its duplicates.
        keep = next((n for n, clean in enumerate(untouched) if not clean), 0)
        connection.execute(
            sa.text("UPDATE meetings SET occurrence_at = starts_at WHERE id = :id"),
            {"id": group[keep].id},
        )
        for n, row in enumerate(group):
            if n != keep and untouched[n]:
                for statement in (
                    "DELETE FROM agenda_items WHERE meeting_id = :id",
                    "DELETE FROM meeting_attendees WHERE meeting_id = :id",
                    "DELETE FROM meetings WHERE id = :id",
                ):
                    connection.execute(sa.text(statement), {"id": row.id})


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence_at", sa.DateTime(timezone=True), nullable=True))
    _occurrences(op.get_bind())
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_meetings_series_id_occurrence_at"), ["series_id", "occurrence_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_meetings_series_id_occurrence_at"), type_="unique")
        batch_op.drop_column("occurrence_at")

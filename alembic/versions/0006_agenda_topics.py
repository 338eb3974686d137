"""Agenda topics: what an agenda item is about, so the sales performance and pipeline review
items can show live figures. Existing items become GENERAL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 03:41:25.818336
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "topic",
                sa.Enum(
                    "GENERAL",
                    "SALES_PERFORMANCE",
                    "ISSUES",
                    "PIPELINE_REVIEW",
                    "MARKETING",
                    "CORPORATE_UPDATE",
                    "VOICE_OF_THE_FIELD",
                    "PLAN_REVIEW",
                    "ACTION_REVIEW",
                    name="agenda_topic",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                server_default="GENERAL",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        # SQLite rebuilds the table: the enum's CHECK must go before its column does.
        batch_op.drop_constraint(op.f("ck_agenda_items_agenda_topic"), type_="check")
        batch_op.drop_column("topic")

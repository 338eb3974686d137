"""A month's forecast may be kept twice: the joint (SHARED) figure and the supplier's INTERNAL
one. With one entry per month a customer setting a month the supplier keeps internal had to be
refused, and the refusal told it that an internal entry exists.

Downgrading keeps one entry per month: where both exist, the joint figure stays and the
internal one is deleted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "uq_forecast_entries_workspace_id_month_product_line"
NEW = "uq_forecast_entries_workspace_id_month_product_line_visibility"


def upgrade() -> None:
    with op.batch_alter_table("forecast_entries", schema=None) as batch_op:
        batch_op.drop_constraint(OLD, type_="unique")
        batch_op.create_unique_constraint(
            NEW, ["workspace_id", "month", "product_line", "visibility"]
        )


def _doubled() -> sa.Select:
    """The internal entries of months that hold joint ones too."""
    columns = ("id", "workspace_id", "month", "product_line", "visibility")
    internal = sa.table("forecast_entries", *map(sa.column, columns)).alias("internal")
    shared = sa.table("forecast_entries", *map(sa.column, columns)).alias("shared")
    same_month = sa.and_(
        *(shared.c[name] == internal.c[name] for name in ("workspace_id", "month", "product_line"))
    )
    return (
        sa.select(internal.c.id)
        .join(shared, sa.and_(same_month, shared.c.visibility == "SHARED"))
        .where(internal.c.visibility == "INTERNAL")
    )


def downgrade() -> None:
    notices = sa.table("deviation_notices", sa.column("forecast_entry_id"))
    entries = sa.table("forecast_entries", sa.column("id"))
    op.execute(sa.delete(notices).where(notices.c.forecast_entry_id.in_(_doubled())))
    op.execute(sa.delete(entries).where(entries.c.id.in_(_doubled())))
    with op.batch_alter_table("forecast_entries", schema=None) as batch_op:
        batch_op.drop_constraint(NEW, type_="unique")
        batch_op.create_unique_constraint(OLD, ["workspace_id", "month", "product_line"])

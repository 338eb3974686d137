"""Stock alerts (a stock-out risk, overstock or stale data while it lasts, with the action item
it opened), and the agenda topic that brings the open ones into the weekly call.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:22:51.088646
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TOPICS = [
    "GENERAL",
    "SALES_PERFORMANCE",
    "ISSUES",
    "PIPELINE_REVIEW",
    "MARKETING",
    "CORPORATE_UPDATE",
    "VOICE_OF_THE_FIELD",
    "PLAN_REVIEW",
    "ACTION_REVIEW",
]


def _topics(topics: list[str]) -> None:
    """The agenda topic's CHECK lists the topics there are."""
    listed = ", ".join(f"'{t}'" for t in topics)
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_agenda_items_agenda_topic"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_agenda_items_agenda_topic"), sa.text(f"topic IN ({listed})")
        )


def upgrade() -> None:
    _topics([*TOPICS, "SUPPLY_AND_STOCK"])
    op.create_table(
        "stock_alerts",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "STOCKOUT_RISK",
                "OVERSTOCK",
                "STALE_DATA",
                name="alert_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("action_item_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_items.id"],
            name=op.f("fk_stock_alerts_action_item_id_action_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_stock_alerts_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_alerts_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_stock_alerts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_alerts")),
    )
    with op.batch_alter_table("stock_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_alerts_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_alerts_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.create_index(
            "uq_stock_alerts_open_location",
            ["location_id", "kind"],
            unique=True,
            sqlite_where=sa.text("cleared_at IS NULL AND product_id IS NULL"),
            postgresql_where=sa.text("cleared_at IS NULL AND product_id IS NULL"),
        )
        batch_op.create_index(
            "uq_stock_alerts_open_product",
            ["location_id", "product_id", "kind"],
            unique=True,
            sqlite_where=sa.text("cleared_at IS NULL AND product_id IS NOT NULL"),
            postgresql_where=sa.text("cleared_at IS NULL AND product_id IS NOT NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("stock_alerts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_stock_alerts_open_product",
            sqlite_where=sa.text("cleared_at IS NULL AND product_id IS NOT NULL"),
            postgresql_where=sa.text("cleared_at IS NULL AND product_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_stock_alerts_open_location",
            sqlite_where=sa.text("cleared_at IS NULL AND product_id IS NULL"),
            postgresql_where=sa.text("cleared_at IS NULL AND product_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_stock_alerts_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_stock_alerts_created_at"))

    op.drop_table("stock_alerts")
    op.execute("UPDATE agenda_items SET topic = 'GENERAL' WHERE topic = 'SUPPLY_AND_STOCK'")
    _topics(TOPICS)

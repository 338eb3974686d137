"""Joint account plans and live co-editing: plans with objectives, measures, SWOT,
initiatives, contingency, approvals, snapshots and comments; the relationship map; the
pipeline; forecasts and goals; the change history; key account selection and profile.
Tier names become the supplier's own (a string instead of a fixed list).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 22:27:43.460202
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "selection_criteria",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organizations.id"],
            name=op.f("fk_selection_criteria_supplier_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_criteria")),
        sa.UniqueConstraint(
            "supplier_id", "name", name=op.f("uq_selection_criteria_supplier_id_name")
        ),
    )
    with op.batch_alter_table("selection_criteria", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_selection_criteria_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_selection_criteria_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "tier_definitions",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("min_score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organizations.id"],
            name=op.f("fk_tier_definitions_supplier_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_definitions")),
        sa.UniqueConstraint(
            "supplier_id", "name", name=op.f("uq_tier_definitions_supplier_id_name")
        ),
    )
    with op.batch_alter_table("tier_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tier_definitions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tier_definitions_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "criterion_scores",
        sa.Column("key_account_id", sa.Uuid(), nullable=False),
        sa.Column("criterion_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["selection_criteria.id"],
            name=op.f("fk_criterion_scores_criterion_id_selection_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["key_account_id"],
            ["key_accounts.id"],
            name=op.f("fk_criterion_scores_key_account_id_key_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_scores")),
        sa.UniqueConstraint(
            "key_account_id",
            "criterion_id",
            name=op.f("uq_criterion_scores_key_account_id_criterion_id"),
        ),
    )
    with op.batch_alter_table("criterion_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criterion_scores_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_criterion_scores_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_criterion_scores_key_account_id"), ["key_account_id"], unique=False
        )

    op.create_table(
        "score_changes",
        sa.Column("key_account_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("tier", sa.String(length=50), nullable=False),
        sa.Column("previous_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("previous_tier", sa.String(length=50), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_score_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["key_account_id"],
            ["key_accounts.id"],
            name=op.f("fk_score_changes_key_account_id_key_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_changes")),
    )
    with op.batch_alter_table("score_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_score_changes_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_score_changes_key_account_id"), ["key_account_id"], unique=False
        )

    op.create_table(
        "account_plans",
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "PRE_SALES",
                "CONTRACT_NEGOTIATION",
                "IMPLEMENTATION",
                "REVIEW",
                "EXPLOITATION",
                name="plan_stage",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "SUBMITTED",
                "APPROVED",
                "REJECTED",
                name="plan_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["account_plans.id"],
            name=op.f("fk_account_plans_previous_id_account_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_account_plans_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_plans")),
        sa.UniqueConstraint(
            "workspace_id",
            "period",
            "revision",
            name=op.f("uq_account_plans_workspace_id_period_revision"),
        ),
    )
    with op.batch_alter_table("account_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_plans_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_plans_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "change_records",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("node_type", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_change_records_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_change_records_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_records")),
    )
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_records_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_change_records_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_change_records_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "forecast_entries",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("product_line", sa.String(length=100), nullable=False),
        sa.Column("forecast", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("actual", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_forecast_entries_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_entries")),
        sa.UniqueConstraint(
            "workspace_id",
            "month",
            "product_line",
            name=op.f("uq_forecast_entries_workspace_id_month_product_line"),
        ),
    )
    with op.batch_alter_table("forecast_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forecast_entries_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_forecast_entries_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "opportunities",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "NEW",
                "OPEN",
                "WON",
                "LOST",
                name="opportunity_stage",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("product_line", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("post_mortem", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_opportunities_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_opportunities_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunities_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunities_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "sales_goals",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("annual_goal", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("deviation_threshold_pct", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_sales_goals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_goals")),
        sa.UniqueConstraint("workspace_id", "year", name=op.f("uq_sales_goals_workspace_id_year")),
    )
    with op.batch_alter_table("sales_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_goals_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_goals_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("reports_to_id", sa.Uuid(), nullable=True),
        sa.Column("location_id", sa.Uuid(), nullable=True),
        sa.Column(
            "buying_role",
            sa.Enum(
                "DECISION_MAKER",
                "INFLUENCER",
                "USER",
                "GATEKEEPER",
                "CHAMPION",
                name="buying_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("influence", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "SUPPORTER",
                "NEUTRAL",
                "SKEPTIC",
                "OPPONENT",
                "UNKNOWN",
                name="stance",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stance_visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="stance_visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_contacts_location_id_locations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["contacts.id"],
            name=op.f("fk_contacts_reports_to_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_contacts_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contacts_reports_to_id"), ["reports_to_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contacts_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "contingency_plans",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("revenue_at_risk", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_contingency_plans_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_contingency_plans_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contingency_plans")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_contingency_plans_plan_id")),
    )
    with op.batch_alter_table("contingency_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contingency_plans_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contingency_plans_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "deviation_notices",
        sa.Column("forecast_entry_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("notified_user_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["forecast_entry_id"],
            ["forecast_entries.id"],
            name=op.f("fk_deviation_notices_forecast_entry_id_forecast_entries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notified_user_id"],
            ["users.id"],
            name=op.f("fk_deviation_notices_notified_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deviation_notices")),
        sa.UniqueConstraint(
            "forecast_entry_id",
            "direction",
            name=op.f("uq_deviation_notices_forecast_entry_id_direction"),
        ),
    )
    with op.batch_alter_table("deviation_notices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deviation_notices_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "initiatives",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "team",
            sa.Enum(
                "PRODUCT_DEVELOPMENT",
                "QUALITY",
                "BRANDING",
                "SUPPLY_CHAIN",
                "OTHER",
                name="team_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("value_estimate", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_initiatives_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_initiatives_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_initiatives_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiatives")),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_initiatives_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_initiatives_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_initiatives_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "objectives",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "SUPPLIER",
                "CUSTOMER",
                name="objective_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "NOT_STARTED",
                "ON_TRACK",
                "AT_RISK",
                "OFF_TRACK",
                "ACHIEVED",
                name="objective_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_objectives_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_objectives_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_objectives_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objectives")),
    )
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_objectives_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_objectives_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_objectives_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_objectives_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "plan_approvals",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("approver_id", sa.Uuid(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "SUPPLIER",
                "CUSTOMER",
                name="approval_side",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "decision",
            sa.Enum(
                "APPROVED",
                "REJECTED",
                name="approval_decision",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approver_id"], ["users.id"], name=op.f("fk_plan_approvals_approver_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_plan_approvals_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_approvals")),
    )
    with op.batch_alter_table("plan_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_approvals_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_approvals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_comments",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("target_type", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_plan_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_plan_comments_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_plan_comments_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_comments")),
    )
    with op.batch_alter_table("plan_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_comments_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_comments_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_comments_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "plan_snapshots",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_plan_snapshots_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_snapshots")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_plan_snapshots_plan_id")),
    )
    with op.batch_alter_table("plan_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_snapshots_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "swot_entries",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "STRENGTH",
                "WEAKNESS",
                "OPPORTUNITY",
                "THREAT",
                name="swot_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["account_plans.id"],
            name=op.f("fk_swot_entries_plan_id_account_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_swot_entries_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swot_entries")),
    )
    with op.batch_alter_table("swot_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_swot_entries_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_swot_entries_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_swot_entries_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "measures",
        sa.Column("objective_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("target", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("current", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name=op.f("fk_measures_objective_id_objectives"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_measures_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
    )
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measures_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_measures_objective_id"), ["objective_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_measures_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "relationships",
        sa.Column("supplier_user_id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("last_interaction", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "SHARED",
                "INTERNAL",
                name="visibility",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_relationships_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_user_id"],
            ["users.id"],
            name=op.f("fk_relationships_supplier_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_relationships_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relationships")),
        sa.UniqueConstraint(
            "supplier_user_id",
            "contact_id",
            name=op.f("uq_relationships_supplier_user_id_contact_id"),
        ),
    )
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relationships_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationships_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationships_supplier_user_id"), ["supplier_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relationships_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("key_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(
            sa.Column("industry", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("industry_rank", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("competitive_position", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("customer_revenue", sa.Numeric(precision=18, scale=2), nullable=True)
        )
        batch_op.add_column(
            sa.Column("annual_sales", sa.Numeric(precision=18, scale=2), nullable=True)
        )
        batch_op.drop_constraint(op.f("ck_key_accounts_key_account_tier"), type_="check")
        batch_op.alter_column(
            "tier",
            existing_type=sa.VARCHAR(length=32),
            type_=sa.String(length=50),
            existing_nullable=False,
        )

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("annual_revenue", sa.Numeric(precision=18, scale=2), nullable=True)
        )


def downgrade() -> None:

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("annual_revenue")

    # Tier names of the supplier's own do not fit the old fixed list.
    op.execute(
        "UPDATE key_accounts SET tier = 'KEY' WHERE tier NOT IN ('STRATEGIC', 'KEY', 'DEVELOPING')"
    )
    with op.batch_alter_table("key_accounts", schema=None) as batch_op:
        batch_op.alter_column(
            "tier",
            existing_type=sa.String(length=50),
            type_=sa.VARCHAR(length=32),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            "key_account_tier", "tier IN ('STRATEGIC', 'KEY', 'DEVELOPING')"
        )
        batch_op.drop_column("annual_sales")
        batch_op.drop_column("customer_revenue")
        batch_op.drop_column("competitive_position")
        batch_op.drop_column("industry_rank")
        batch_op.drop_column("industry")
        batch_op.drop_column("score")

    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relationships_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_relationships_supplier_user_id"))
        batch_op.drop_index(batch_op.f("ix_relationships_created_at"))
        batch_op.drop_index(batch_op.f("ix_relationships_contact_id"))

    op.drop_table("relationships")
    with op.batch_alter_table("measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measures_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_measures_objective_id"))
        batch_op.drop_index(batch_op.f("ix_measures_created_at"))

    op.drop_table("measures")
    with op.batch_alter_table("swot_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_swot_entries_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_swot_entries_plan_id"))
        batch_op.drop_index(batch_op.f("ix_swot_entries_created_at"))

    op.drop_table("swot_entries")
    with op.batch_alter_table("plan_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_snapshots_created_at"))

    op.drop_table("plan_snapshots")
    with op.batch_alter_table("plan_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_comments_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_plan_comments_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_comments_created_at"))

    op.drop_table("plan_comments")
    with op.batch_alter_table("plan_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_approvals_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_approvals_created_at"))

    op.drop_table("plan_approvals")
    with op.batch_alter_table("objectives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_objectives_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_objectives_plan_id"))
        batch_op.drop_index(batch_op.f("ix_objectives_owner_id"))
        batch_op.drop_index(batch_op.f("ix_objectives_created_at"))

    op.drop_table("objectives")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_initiatives_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_plan_id"))
        batch_op.drop_index(batch_op.f("ix_initiatives_created_at"))

    op.drop_table("initiatives")
    with op.batch_alter_table("deviation_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deviation_notices_created_at"))

    op.drop_table("deviation_notices")
    with op.batch_alter_table("contingency_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contingency_plans_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_contingency_plans_created_at"))

    op.drop_table("contingency_plans")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_reports_to_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_created_at"))

    op.drop_table("contacts")
    with op.batch_alter_table("sales_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_goals_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_sales_goals_created_at"))

    op.drop_table("sales_goals")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunities_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_opportunities_created_at"))

    op.drop_table("opportunities")
    with op.batch_alter_table("forecast_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecast_entries_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_forecast_entries_created_at"))

    op.drop_table("forecast_entries")
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_records_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_change_records_node_id"))
        batch_op.drop_index(batch_op.f("ix_change_records_created_at"))

    op.drop_table("change_records")
    with op.batch_alter_table("account_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_plans_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_account_plans_created_at"))

    op.drop_table("account_plans")
    with op.batch_alter_table("score_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_changes_key_account_id"))
        batch_op.drop_index(batch_op.f("ix_score_changes_created_at"))

    op.drop_table("score_changes")
    with op.batch_alter_table("criterion_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_scores_key_account_id"))
        batch_op.drop_index(batch_op.f("ix_criterion_scores_criterion_id"))
        batch_op.drop_index(batch_op.f("ix_criterion_scores_created_at"))

    op.drop_table("criterion_scores")
    with op.batch_alter_table("tier_definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_definitions_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_tier_definitions_created_at"))

    op.drop_table("tier_definitions")
    with op.batch_alter_table("selection_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_criteria_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_selection_criteria_created_at"))

    op.drop_table("selection_criteria")

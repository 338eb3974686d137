"""Inventory and replenishment per customer location: the supplier's catalogue, each key
account's assortment, stock reports, daily demand and positions, stock policies and the
changes proposed to them, replenishment proposals and their lines, orders and their lines.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:13:01.252039
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Stock reports, demand days and positions are written tens of thousands of rows a second and
# carry no foreign keys (a key checks each row inserted): an account's removal takes its
# stock with it through this trigger instead, and the ingest holds the workspace (a KEY SHARE
# lock, what each row's key check would have taken) while it writes (positions.py).
_FORGET_WORKSPACE_STOCK = """
DELETE FROM stock_positions WHERE workspace_id = OLD.id;
DELETE FROM demand_days WHERE workspace_id = OLD.id;
DELETE FROM stock_reports WHERE workspace_id = OLD.id;
"""


def _create_stock_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION forget_workspace_stock() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN{_FORGET_WORKSPACE_STOCK}RETURN OLD;\nEND\n$$"
        )
        op.execute(
            "CREATE TRIGGER tr_workspaces_forget_stock AFTER DELETE ON workspaces "
            "FOR EACH ROW EXECUTE FUNCTION forget_workspace_stock()"
        )
    else:
        op.execute(
            "CREATE TRIGGER tr_workspaces_forget_stock AFTER DELETE ON workspaces "
            f"FOR EACH ROW BEGIN{_FORGET_WORKSPACE_STOCK}END"
        )


def _drop_stock_triggers() -> None:
    op.execute(
        "DROP TRIGGER tr_workspaces_forget_stock"
        + (" ON workspaces" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION forget_workspace_stock()")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product_line", sa.String(length=100), nullable=False),
        sa.Column(
            "unit_of_sale",
            sa.Enum(
                "PIECE",
                "PACK",
                "CARTON",
                "CASE",
                "PALLET",
                name="unit_of_sale",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("pack_multiple", sa.Integer(), nullable=False),
        sa.Column("min_order_qty", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("lead_time_sd_days", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organizations.id"],
            name=op.f("fk_products_supplier_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("supplier_id", "sku", name=op.f("uq_products_supplier_id_sku")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_products_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "assortment_items",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("customer_item_number", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("margin_pct", sa.Numeric(precision=6, scale=2), nullable=True),
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
            ["product_id"],
            ["products.id"],
            name=op.f("fk_assortment_items_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_assortment_items_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assortment_items")),
        sa.UniqueConstraint(
            "workspace_id", "product_id", name=op.f("uq_assortment_items_workspace_id_product_id")
        ),
    )
    with op.batch_alter_table("assortment_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assortment_items_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assortment_items_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assortment_items_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "demand_days",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("stockout", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("location_id", "product_id", "day", name=op.f("pk_demand_days")),
    )
    with op.batch_alter_table("demand_days", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_demand_days_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "replenishment_proposals",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("run_key", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "DECIDED",
                name="proposal_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_replenishment_proposals_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_replenishment_proposals_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_replenishment_proposals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replenishment_proposals")),
        sa.UniqueConstraint(
            "location_id", "run_key", name=op.f("uq_replenishment_proposals_location_id_run_key")
        ),
    )
    with op.batch_alter_table("replenishment_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replenishment_proposals_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_replenishment_proposals_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_replenishment_proposals_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "stock_policies",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "MIN_MAX",
                "REORDER_POINT",
                name="policy_method",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("min_qty", sa.BigInteger(), nullable=True),
        sa.Column("max_qty", sa.BigInteger(), nullable=True),
        sa.Column("service_level", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("review_period_days", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("lead_time_sd_days", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("demand_window_days", sa.Integer(), nullable=False),
        sa.Column("auto_approve_max_qty", sa.BigInteger(), nullable=True),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
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
            name=op.f("fk_stock_policies_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_policies_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_stock_policies_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_policies")),
        sa.UniqueConstraint(
            "location_id", "product_id", name=op.f("uq_stock_policies_location_id_product_id")
        ),
    )
    with op.batch_alter_table("stock_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_policies_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_policies_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_policies_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_policies_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "stock_positions",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_hand", sa.BigInteger(), nullable=False),
        sa.Column("in_transit", sa.BigInteger(), nullable=False),
        sa.Column("on_order", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("demand_mean", sa.Float(), nullable=False),
        sa.Column("demand_sd", sa.Float(), nullable=False),
        sa.Column("demand_days", sa.Integer(), nullable=False),
        sa.Column("demand_sum", sa.Float(), nullable=True),
        sa.Column("demand_sumsq", sa.Float(), nullable=True),
        sa.Column("demand_window", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("location_id", "product_id", name=op.f("pk_stock_positions")),
        postgresql_with={"fillfactor": 50},
    )
    with op.batch_alter_table("stock_positions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_positions_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "stock_reports",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.BigInteger(), nullable=False),
        sa.Column("in_transit", sa.BigInteger(), nullable=False),
        sa.Column("on_order", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("sold", sa.BigInteger(), nullable=False),
        sa.Column("stockout_days", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "WEB",
                "API",
                "CSV",
                "EDI_852",
                name="stock_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["users.id"],
            name=op.f("fk_stock_reports_reported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_reports")),
    )
    with op.batch_alter_table("stock_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_reports_workspace_batch", ["workspace_id", "batch_id"], unique=False
        )

    op.create_table(
        "orders",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_id", sa.Uuid(), nullable=True),
        sa.Column(
            "origin",
            sa.Enum(
                "APPROVED",
                "AUTO",
                name="order_origin",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PLACED",
                "CONFIRMED",
                "SHIPPED",
                "DELIVERED",
                "INVOICED",
                "CANCELLED",
                name="order_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_delivery", sa.Date(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invoice_number", sa.String(length=64), nullable=True),
        sa.Column("invoice_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("invoice_currency", sa.String(length=3), nullable=True),
        sa.Column("invoice_due", sa.Date(), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_orders_location_id_locations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["replenishment_proposals.id"],
            name=op.f("fk_orders_proposal_id_replenishment_proposals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_orders_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("proposal_id", "origin", name=op.f("uq_orders_proposal_id_origin")),
        sa.UniqueConstraint("workspace_id", "number", name=op.f("uq_orders_workspace_id_number")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            "ix_orders_location_id_placed_at", ["location_id", "placed_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_orders_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "parameter_changes",
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("proposed_value", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "ACCEPTED",
                "REFUSED",
                "WITHDRAWN",
                name="change_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_parameter_changes_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["stock_policies.id"],
            name=op.f("fk_parameter_changes_policy_id_stock_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_parameter_changes_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_parameter_changes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parameter_changes")),
    )
    with op.batch_alter_table("parameter_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parameter_changes_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_parameter_changes_policy_id"), ["policy_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_parameter_changes_workspace_id"), ["workspace_id"], unique=False
        )

    op.create_table(
        "proposal_lines",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("basis", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("approved_quantity", sa.BigInteger(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "APPROVED",
                "MODIFIED",
                "REJECTED",
                "AUTO_APPROVED",
                name="line_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_proposal_lines_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["replenishment_proposals.id"],
            name=op.f("fk_proposal_lines_proposal_id_replenishment_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_lines")),
        sa.UniqueConstraint("policy_id", "basis", name=op.f("uq_proposal_lines_policy_id_basis")),
    )
    with op.batch_alter_table("proposal_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_lines_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            "uq_proposal_lines_open_policy",
            ["policy_id"],
            unique=True,
            sqlite_where=sa.text("status = 'PROPOSED'"),
            postgresql_where=sa.text("status = 'PROPOSED'"),
        )

    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("proposal_line_id", sa.Uuid(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("shipped_quantity", sa.BigInteger(), nullable=True),
        sa.Column("delivered_quantity", sa.BigInteger(), nullable=True),
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
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_order_lines_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_line_id"],
            ["proposal_lines.id"],
            name=op.f("fk_order_lines_proposal_line_id_proposal_lines"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_order_lines_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sa.UniqueConstraint("proposal_line_id", name=op.f("uq_order_lines_proposal_line_id")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_order_lines_workspace_id"), ["workspace_id"], unique=False
        )

    _create_stock_triggers()


def downgrade() -> None:
    _drop_stock_triggers()
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))
        batch_op.drop_index(batch_op.f("ix_order_lines_created_at"))

    op.drop_table("order_lines")
    with op.batch_alter_table("proposal_lines", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_proposal_lines_open_policy",
            sqlite_where=sa.text("status = 'PROPOSED'"),
            postgresql_where=sa.text("status = 'PROPOSED'"),
        )
        batch_op.drop_index(batch_op.f("ix_proposal_lines_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_lines_created_at"))

    op.drop_table("proposal_lines")
    with op.batch_alter_table("parameter_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parameter_changes_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_parameter_changes_policy_id"))
        batch_op.drop_index(batch_op.f("ix_parameter_changes_created_at"))

    op.drop_table("parameter_changes")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_workspace_id"))
        batch_op.drop_index("ix_orders_location_id_placed_at")
        batch_op.drop_index(batch_op.f("ix_orders_created_at"))

    op.drop_table("orders")
    with op.batch_alter_table("stock_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_reports_workspace_batch")

    op.drop_table("stock_reports")
    with op.batch_alter_table("stock_positions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_positions_workspace_id"))

    op.drop_table("stock_positions")
    with op.batch_alter_table("stock_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_policies_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_stock_policies_product_id"))
        batch_op.drop_index(batch_op.f("ix_stock_policies_location_id"))
        batch_op.drop_index(batch_op.f("ix_stock_policies_created_at"))

    op.drop_table("stock_policies")
    with op.batch_alter_table("replenishment_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replenishment_proposals_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_replenishment_proposals_location_id"))
        batch_op.drop_index(batch_op.f("ix_replenishment_proposals_created_at"))

    op.drop_table("replenishment_proposals")
    with op.batch_alter_table("demand_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_days_workspace_id"))

    op.drop_table("demand_days")
    with op.batch_alter_table("assortment_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assortment_items_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_assortment_items_product_id"))
        batch_op.drop_index(batch_op.f("ix_assortment_items_created_at"))

    op.drop_table("assortment_items")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_products_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_products_created_at"))

    op.drop_table("products")

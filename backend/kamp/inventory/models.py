"""Vendor-managed inventory inside a key account: the supplier's catalogue, the account's
assortment, stock reported per customer location, the policy that says when and how much to
reorder, the proposals the customer approves and the orders they become.

Quantities are whole base units (pieces): a carton of 12 is a pack multiple of 12, so every
rounding is exact integer arithmetic, in Python and in SQL alike."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kamp import clock
from kamp.coediting.models import Versioned, WorkspaceElement
from kamp.db import Base, Entity, UTCDateTime, enum_column


class UnitOfSale(StrEnum):
    PIECE = "PIECE"
    PACK = "PACK"
    CARTON = "CARTON"
    CASE = "CASE"
    PALLET = "PALLET"


class Product(Entity, Versioned, Base):
    """One article of the supplier's catalogue, sold in its unit of sale."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("supplier_id", "sku"),)

    supplier_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    product_line: Mapped[str] = mapped_column(String(100), default="")
    unit_of_sale: Mapped[UnitOfSale] = mapped_column(enum_column(UnitOfSale, "unit_of_sale"))
    # Base units per unit of sale: orders are whole multiples of it.
    pack_multiple: Mapped[int] = mapped_column(Integer, default=1)
    # The smallest order, in base units.
    min_order_qty: Mapped[int] = mapped_column(Integer, default=1)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=7)
    lead_time_sd_days: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AssortmentItem(WorkspaceElement, Base):
    """A product the key account buys: its own item number, its priority, and the supplier's
    commercial figures (cost, margin), which are INTERNAL fields of a shared row."""

    __tablename__ = "assortment_items"
    __table_args__ = (UniqueConstraint("workspace_id", "product_id"),)
    internal_fields: ClassVar[frozenset[str]] = frozenset({"cost", "margin_pct"})

    product_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    customer_item_number: Mapped[str] = mapped_column(String(64), default="")
    # 1 goes first: a key account's orders are served before others of lower priority.
    priority: Mapped[int] = mapped_column(Integer, default=3)
    cost: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    margin_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))


class StockSource(StrEnum):
    WEB = "WEB"
    API = "API"
    CSV = "CSV"
    EDI_852 = "EDI_852"


class StockReport(Entity, Base):
    """What a location had and sold, as reported (append-only: a correction is a new report).

    The bulk ingest appends tens of thousands of these a second, so the table carries only
    what is read or needed. No foreign keys to the workspace, the location and the product: a
    key checks every row inserted, which cost more than the rest of the insert, and the
    ingest has resolved the location and the product within the workspace before writing.
    Instead an account's removal takes its stock with it through a trigger on `workspaces`
    (migration 0009), the ingest holds the workspace while it writes, and every read goes
    through the location and the product: a report of a deleted location or product is
    history nothing returns. One index besides the key: the reports of an upload within its
    workspace, which also serves the workspace's removal. The latest figures and the demand are
    read from positions and demand days, never from here. The same holds for DemandDay and
    StockPosition."""

    __tablename__ = "stock_reports"
    __table_args__ = (Index("ix_stock_reports_workspace_batch", "workspace_id", "batch_id"),)

    # No index on the creation time: reports are read by upload.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    workspace_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    location_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    # The days the sold quantity and the stock-outs cover, ending at as_of.
    period_days: Mapped[int] = mapped_column(Integer, default=1)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    in_transit: Mapped[int] = mapped_column(BigInteger, default=0)
    on_order: Mapped[int] = mapped_column(BigInteger, default=0)
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
    sold: Mapped[int] = mapped_column(BigInteger, default=0)
    stockout_days: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[StockSource] = mapped_column(enum_column(StockSource, "stock_source"))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The upload it came with, if any.
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class DemandDay(Base):
    """Demand per location, product and day: a period's sales spread over its days, so that
    the statistics read a window of days and never the whole history. Derived from the
    reports, without foreign keys (see StockReport)."""

    __tablename__ = "demand_days"

    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    quantity: Mapped[float] = mapped_column(Float, default=0.0)
    stockout: Mapped[bool] = mapped_column(Boolean, default=False)


class StockPosition(Base):
    """The latest figures of a location's product and the demand statistics over its policy's
    window, kept up to date as reports arrive: what evaluation and the stock board read.
    Derived from the reports, without foreign keys (see StockReport): reads go through the
    location and the assortment.

    Besides the statistics it keeps their running sums over the window (`demand_sum`,
    `demand_sumsq`, with `demand_days` the count, for the window of `demand_window` days
    ending on the position's date), so that a report adds its days and takes out the days
    that leave the window instead of reading the whole window again (positions.py). None:
    not kept (the next report reads the window)."""

    __tablename__ = "stock_positions"
    # Every report of a key updates its row: half of each page is left free (PostgreSQL) so
    # that the new version fits beside the old one, and a heap-only update touches no index.
    __table_args__ = ({"postgresql_with": {"fillfactor": 50}},)

    location_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    workspace_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    report_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the latest report: the figures' basis
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    in_transit: Mapped[int] = mapped_column(BigInteger, default=0)
    on_order: Mapped[int] = mapped_column(BigInteger, default=0)
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
    # Mean and standard deviation of daily demand over the window, and the days it holds.
    demand_mean: Mapped[float] = mapped_column(Float, default=0.0)
    demand_sd: Mapped[float] = mapped_column(Float, default=0.0)
    demand_days: Mapped[int] = mapped_column(Integer, default=0)
    demand_sum: Mapped[float | None] = mapped_column(Float)
    demand_sumsq: Mapped[float | None] = mapped_column(Float)
    demand_window: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PolicyMethod(StrEnum):
    MIN_MAX = "MIN_MAX"
    REORDER_POINT = "REORDER_POINT"


class StockPolicy(WorkspaceElement, Base):
    """When and how much a location reorders a product. Min/max, or a reorder point with
    safety stock from a target cycle service level and an order-up-to level for a review
    period. Each parameter has an owner side (`owners`: field name -> SUPPLIER | CUSTOMER);
    the other side proposes a change (ParameterChange), the owner decides."""

    __tablename__ = "stock_policies"
    __table_args__ = (UniqueConstraint("location_id", "product_id"),)

    location_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    method: Mapped[PolicyMethod] = mapped_column(enum_column(PolicyMethod, "policy_method"))
    min_qty: Mapped[int | None] = mapped_column(BigInteger)
    # The most the location holds: the target of min/max, a cap on any order.
    max_qty: Mapped[int | None] = mapped_column(BigInteger)
    service_level: Mapped[Decimal] = mapped_column(Numeric(6, 4), default=Decimal("0.95"))
    review_period_days: Mapped[int] = mapped_column(Integer, default=7)
    # None: the product's.
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    lead_time_sd_days: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    demand_window_days: Mapped[int] = mapped_column(Integer, default=28)
    # Lines up to this quantity are approved without waiting for the customer.
    auto_approve_max_qty: Mapped[int | None] = mapped_column(BigInteger)
    owners: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ChangeStatus(StrEnum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


class ParameterChange(WorkspaceElement, Base):
    """A side's request to change a policy parameter the other side owns."""

    __tablename__ = "parameter_changes"
    parent = ("policy_id", "StockPolicy")

    policy_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("stock_policies.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(64))
    proposed_value: Mapped[Any] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ChangeStatus] = mapped_column(enum_column(ChangeStatus, "change_status"))
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProposalStatus(StrEnum):
    OPEN = "OPEN"  # lines wait for the customer
    DECIDED = "DECIDED"


class ReplenishmentProposal(WorkspaceElement, Base):
    """What one evaluation proposes for one location."""

    __tablename__ = "replenishment_proposals"
    __table_args__ = (UniqueConstraint("location_id", "run_key"),)

    location_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    # The evaluation run that wrote it: a duplicated run writes nothing twice.
    run_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, "proposal_status"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LineStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    MODIFIED = "MODIFIED"
    REJECTED = "REJECTED"
    AUTO_APPROVED = "AUTO_APPROVED"


class ProposalLine(WorkspaceElement, Base):
    """One product to reorder, with every input and step of its arithmetic (`explanation`).

    Evaluation writes lines by the hundred thousand, so a line references with foreign keys
    only its proposal (which it never outlives: removing the proposal, its location or its
    workspace removes the line) and the user who decided it. Its workspace, policy and product
    are those of the policy the evaluation joined, at its proposal's location: a policy and
    its product go only with that location (cascade, product RESTRICTed by the policy), and
    then the proposal and the line go with them. Checking them again per row would only
    double the cost of writing a line."""

    __tablename__ = "proposal_lines"
    __table_args__ = (
        # The same figures never propose twice.
        UniqueConstraint("policy_id", "basis"),
        # One line of a policy waits for the customer at a time.
        Index(
            "uq_proposal_lines_open_policy",
            "policy_id",
            unique=True,
            sqlite_where=text("status = 'PROPOSED'"),
            postgresql_where=text("status = 'PROPOSED'"),
        ),
    )
    parent = ("proposal_id", "ReplenishmentProposal")

    # The proposal's workspace (no foreign key of its own: it goes with the proposal), and no
    # index of its own either: lines are read by their proposal.
    workspace_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    proposal_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("replenishment_proposals.id", ondelete="CASCADE"), index=True
    )
    policy_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the policy's, at the proposal's location
    product_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # the policy's product
    # The report whose figures the line was computed from.
    basis: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[int] = mapped_column(BigInteger)
    approved_quantity: Mapped[int | None] = mapped_column(BigInteger)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[LineStatus] = mapped_column(enum_column(LineStatus, "line_status"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderStatus(StrEnum):
    PLACED = "PLACED"  # approved by the customer, waiting for the supplier
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    INVOICED = "INVOICED"
    CANCELLED = "CANCELLED"


class OrderOrigin(StrEnum):
    APPROVED = "APPROVED"  # the customer's decision on a proposal
    AUTO = "AUTO"  # lines below the customer's auto-approval threshold


class Order(WorkspaceElement, Base):
    """Approved lines on their way: the supplier (or its ERP) moves the status on."""

    __tablename__ = "orders"
    __table_args__ = (
        # Two people approving one proposal at once give one order.
        UniqueConstraint("proposal_id", "origin"),
        UniqueConstraint("workspace_id", "number"),
        # A location's orders, and those placed since a report (evaluation's inventory
        # position counts them for every policy it evaluates).
        Index("ix_orders_location_id_placed_at", "location_id", "placed_at"),
    )

    location_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="RESTRICT")
    )
    proposal_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("replenishment_proposals.id", ondelete="SET NULL")
    )
    origin: Mapped[OrderOrigin] = mapped_column(enum_column(OrderOrigin, "order_origin"))
    number: Mapped[str] = mapped_column(String(32))
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus, "order_status"))
    # The highest priority among its products (1 first).
    priority: Mapped[int] = mapped_column(Integer, default=3)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_delivery: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invoice_number: Mapped[str | None] = mapped_column(String(64))
    invoice_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    invoice_currency: Mapped[str | None] = mapped_column(String(3))
    invoice_due: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderLine(WorkspaceElement, Base):
    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("proposal_line_id"),)
    parent = ("order_id", "Order")

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="RESTRICT")
    )
    proposal_line_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("proposal_lines.id", ondelete="SET NULL")
    )
    quantity: Mapped[int] = mapped_column(BigInteger)
    shipped_quantity: Mapped[int | None] = mapped_column(BigInteger)
    delivered_quantity: Mapped[int | None] = mapped_column(BigInteger)


class AlertKind(StrEnum):
    STOCKOUT_RISK = "STOCKOUT_RISK"  # the position is below the demand of one lead time
    OVERSTOCK = "OVERSTOCK"  # above the policy's maximum
    STALE_DATA = "STALE_DATA"  # the location has not reported for days


class StockAlert(Entity, Base):
    """A stock problem while it lasts: raised once, cleared when the figures recover, with
    the action item it opened. A location's stale data has no product."""

    __tablename__ = "stock_alerts"
    __table_args__ = (
        Index(
            "uq_stock_alerts_open_product",
            "location_id",
            "product_id",
            "kind",
            unique=True,
            sqlite_where=text("cleared_at IS NULL AND product_id IS NOT NULL"),
            postgresql_where=text("cleared_at IS NULL AND product_id IS NOT NULL"),
        ),
        Index(
            "uq_stock_alerts_open_location",
            "location_id",
            "kind",
            unique=True,
            sqlite_where=text("cleared_at IS NULL AND product_id IS NULL"),
            postgresql_where=text("cleared_at IS NULL AND product_id IS NULL"),
        ),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="CASCADE")
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("products.id", ondelete="CASCADE")
    )
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind, "alert_kind"))
    # The figures that raised it: position, threshold, as of.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    action_item_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("action_items.id", ondelete="SET NULL")
    )

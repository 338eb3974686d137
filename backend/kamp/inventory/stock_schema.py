"""GraphQL of stock: reports in (recordStockReports), the positions with their status, the
stock board of a location, each location's freshness, one product's history for a chart,
scorecards and sell-through. Thin: it decodes input and calls the use cases (reports.py,
board.py, positions.py, scorecards.py); what the viewer may not see never reaches it."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date, datetime
from typing import Annotated

import strawberry

from kamp.accounts import loaders as account_loaders
from kamp.accounts.types import LocationNode
from kamp.errors import BadRequest, ErrorCode, NotFound, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.relay import Connection, connection, decode_id, query_id
from kamp.inventory import board, positions, reports, scorecards
from kamp.inventory.models import StockSource
from kamp.inventory.types import ProductNode, StockPolicyNode
from kamp.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page

MAX_ROWS = 1_000

StockStatus = board.StockStatus
strawberry.enum(
    StockStatus,
    description="RED: on hand is 0, or the inventory position is at or below the demand of "
    "one lead time. YELLOW: otherwise, at or below the reorder point of an active policy "
    "(the min of a MIN_MAX policy). GREEN: otherwise.",
)
Freshness = positions.Freshness
strawberry.enum(
    Freshness,
    name="StockFreshness",
    description="How old a location's latest figures are: FRESH under 2 days, AGING under 7, "
    "STALE from 7 days, NO_DATA never reported.",
)
IngestMode = reports.IngestMode
strawberry.enum(
    IngestMode,
    name="StockIngestMode",
    description="ALL_OR_NOTHING: one bad row and no row is recorded. VALID_ROWS: the good "
    "rows are recorded, the bad ones reported.",
)


def _workspace(workspace_id: str) -> uuid.UUID:
    return query_id(workspace_id, "Workspace", field="workspaceId")


# --- positions ---------------------------------------------------------------------------------


@strawberry.type(
    name="StockPosition",
    description="A location's product as last reported, with its policy's arithmetic and a "
    "status. Quantities are base units.",
)
class StockPositionType:
    view: strawberry.Private[board.PositionView]

    @strawberry.field
    def product(self) -> ProductNode:
        return ProductNode.of(self.view.product)

    @strawberry.field
    async def location(self, info: Info) -> LocationNode | None:
        row = await account_loaders.locations_by_id(info).load(self.view.position.location_id)
        return LocationNode.of(row) if row else None

    @strawberry.field(description="The instant of the latest report.")
    def as_of(self) -> datetime:
        return self.view.position.as_of

    @strawberry.field
    def on_hand(self) -> int:
        return self.view.position.on_hand

    @strawberry.field
    def in_transit(self) -> int:
        return self.view.position.in_transit

    @strawberry.field
    def on_order(self) -> int:
        return self.view.position.on_order

    @strawberry.field
    def committed(self) -> int:
        return self.view.position.committed

    @strawberry.field(description="On hand + in transit + on order - committed.")
    def inventory_position(self) -> int:
        return self.view.inventory_position

    @strawberry.field(description="Mean daily demand over the policy's window (stock-outs out).")
    def average_daily_demand(self) -> float:
        return self.view.position.demand_mean

    @strawberry.field(description="Sample standard deviation of daily demand.")
    def demand_deviation(self) -> float:
        return self.view.position.demand_sd

    @strawberry.field(description="The days of data the demand figures rest on.")
    def demand_days(self) -> int:
        return self.view.position.demand_days

    @strawberry.field(description="The policy's lead time, else the product's.")
    def lead_time_days(self) -> int:
        return self.view.lead_time_days

    @strawberry.field(description="Average daily demand times the lead time.")
    def lead_time_demand(self) -> float:
        return self.view.lead_time_demand

    @strawberry.field(description="How long on hand lasts at the average demand; null: none.")
    def days_of_supply(self) -> float | None:
        return self.view.days_of_supply

    @strawberry.field(description="When on hand runs out at the average demand; null: never.")
    def projected_stockout_date(self) -> date | None:
        return self.view.projected_stockout

    @strawberry.field(description="The policy, if there is one the viewer may see.")
    def policy(self) -> StockPolicyNode | None:
        return StockPolicyNode.of(self.view.policy) if self.view.policy else None

    @strawberry.field(description="z · √(L·sd(d)² + d̄²·sd(L)²) of a REORDER_POINT policy.")
    def safety_stock(self) -> float | None:
        return self.view.safety_stock

    @strawberry.field(
        description="d̄·L + safety stock of an active REORDER_POINT policy, the min of a "
        "MIN_MAX one; null without an active policy."
    )
    def reorder_point(self) -> float | None:
        return self.view.reorder_point

    @strawberry.field(
        description="d̄·(L + review period) + safety stock of an active REORDER_POINT policy, "
        "the max of a MIN_MAX one; null without an active policy."
    )
    def order_up_to(self) -> float | None:
        return self.view.order_up_to

    @strawberry.field
    def status(self) -> StockStatus:
        return self.view.status


# --- figures, the board, freshness -------------------------------------------------------------


@strawberry.type(
    name="StockFigures",
    description="Scorecard figures over a window of days ending today.",
)
class StockFiguresType:
    figures: strawberry.Private[scorecards.Figures]

    @strawberry.field(description="Units sold over units asked for (missed demand estimated).")
    def fill_rate(self) -> float | None:
        return self.figures.fill_rate

    @strawberry.field(description="Product-days out of stock.")
    def stockout_days(self) -> int:
        return self.figures.stockout_days

    @strawberry.field(description="Sales over average stock, per year.")
    def turns(self) -> float | None:
        return self.figures.turns

    @strawberry.field(description="On hand over average daily demand.")
    def days_of_supply(self) -> float | None:
        return self.figures.days_of_supply

    @strawberry.field(description="Units sold.")
    def sold(self) -> float:
        return round(self.figures.sold, 4)

    @strawberry.field(description="Units on hand now.")
    def on_hand(self) -> int:
        return self.figures.on_hand


def _figures(figures: scorecards.Figures) -> StockFiguresType:
    return StockFiguresType(figures=figures)


@strawberry.type(description="Positions by status, freshness and figures of a location or subtree.")
class StockSummary:
    summary: strawberry.Private[board.Summary]
    now: strawberry.Private[datetime]

    @strawberry.field
    def red(self) -> int:
        return self.summary.red

    @strawberry.field
    def yellow(self) -> int:
        return self.summary.yellow

    @strawberry.field
    def green(self) -> int:
        return self.summary.green

    @strawberry.field(description="Every position counted (red + yellow + green).")
    def positions(self) -> int:
        return self.summary.positions

    @strawberry.field(description="The newest of the locations' latest reports.")
    def latest_report(self) -> datetime | None:
        return self.summary.latest_report

    @strawberry.field(description="The oldest of the locations' latest reports.")
    def oldest_report(self) -> datetime | None:
        return self.summary.oldest_report

    @strawberry.field(description="The stalest reporting location's; NO_DATA: none reported.")
    def freshness(self) -> Freshness:
        return self.summary.freshness(self.now)

    @strawberry.field(description="Locations without children that never reported.")
    def unreported_locations(self) -> int:
        return self.summary.unreported_locations

    @strawberry.field
    def figures(self) -> StockFiguresType:
        return _figures(self.summary.figures)


def _summary(summary: board.Summary, now: datetime) -> StockSummary:
    return StockSummary(summary=summary, now=now)


@strawberry.type(description="A child location on the stock board, its subtree rolled up.")
class StockBoardChild:
    entry: strawberry.Private[board.BoardEntry]
    now: strawberry.Private[datetime]

    @strawberry.field
    def location(self) -> LocationNode:
        return LocationNode.of(self.entry.location)

    @strawberry.field(description="The location's own positions.")
    def own(self) -> StockSummary:
        return _summary(self.entry.own, self.now)

    @strawberry.field(description="The location and every location under it.")
    def total(self) -> StockSummary:
        return _summary(self.entry.total, self.now)

    @strawberry.field(description="Its children (ask the board of this location for them).")
    def child_count(self) -> int:
        return len(self.entry.children)


@strawberry.type(description="A location's stock, its subtree rolled up, and its children.")
class StockBoard(StockBoardChild):
    @strawberry.field(description="The children, one level, each with its subtree rolled up.")
    def children(self) -> list[StockBoardChild]:
        return [StockBoardChild(entry=child, now=self.now) for child in self.entry.children]


@strawberry.type(name="LocationFreshness", description="How fresh a location's figures are.")
class LocationFreshnessType:
    row: strawberry.Private[positions.LocationFreshness]

    @strawberry.field
    def location(self) -> LocationNode:
        return LocationNode.of(self.row.location)

    @strawberry.field(description="The instant of its latest figures; null: never reported.")
    def last_report(self) -> datetime | None:
        return self.row.as_of

    @strawberry.field(description="Their age in seconds, now; null: never reported.")
    def age_seconds(self) -> int | None:
        return int(self.row.age.total_seconds()) if self.row.age is not None else None

    @strawberry.field
    def badge(self) -> Freshness:
        return self.row.badge


# --- history, scorecards, sell-through ----------------------------------------------------------


@strawberry.type(name="StockHistoryPoint", description="One day of a product at a location.")
class StockHistoryPointType:
    point: strawberry.Private[board.HistoryPoint]

    @strawberry.field
    def day(self) -> date:
        return self.point.day

    @strawberry.field(
        description="On hand of the day's last report, else of the last report before it "
        "(carried forward); null before the first report."
    )
    def on_hand(self) -> int | None:
        return self.point.on_hand

    @strawberry.field(description="Whether a report is dated this day.")
    def reported(self) -> bool:
        return self.point.reported

    @strawberry.field(description="The day's demand; null when no report covers the day.")
    def demand(self) -> float | None:
        return self.point.demand

    @strawberry.field(description="Whether the day was reported out of stock.")
    def stockout(self) -> bool:
        return self.point.stockout

    @strawberry.field(description="Today's reorder point on every day (a flat line).")
    def reorder_point(self) -> float | None:
        return self.point.reorder_point


@strawberry.type(name="StockHistory", description="A product's days at a location, for a chart.")
class StockHistoryType:
    history: strawberry.Private[board.History]

    @strawberry.field
    def location(self) -> LocationNode:
        return LocationNode.of(self.history.location)

    @strawberry.field
    def product(self) -> ProductNode:
        return ProductNode.of(self.history.product)

    @strawberry.field(description="The position now; null if never reported.")
    def position(self) -> StockPositionType | None:
        current = self.history.current
        return StockPositionType(view=current) if current else None

    @strawberry.field(description="One point a day, oldest first, ending today (UTC).")
    def points(self) -> list[StockHistoryPointType]:
        return [StockHistoryPointType(point=p) for p in self.history.points]


@strawberry.type(name="StockScorecard", description="A location's figures and its subtree's.")
class StockScorecardType:
    card: strawberry.Private[scorecards.Scorecard]

    @strawberry.field
    def location(self) -> LocationNode:
        return LocationNode.of(self.card.location)

    @strawberry.field(description="The location's own figures.")
    def own(self) -> StockFiguresType:
        return _figures(self.card.own)

    @strawberry.field(description="The location and every location under it.")
    def total(self) -> StockFiguresType:
        return _figures(self.card.total)

    @strawberry.field
    def children(self) -> list[StockScorecardType]:
        return [StockScorecardType(card=child) for child in self.card.children]


@strawberry.type(name="SellThrough", description="Units of a product sold over the window.")
class SellThroughType:
    row: strawberry.Private[scorecards.SellThrough]

    @strawberry.field
    def product(self) -> ProductNode:
        return ProductNode.of(self.row.product)

    @strawberry.field
    def sold(self) -> float:
        return round(self.row.sold, 4)


def _offset_cursor(n: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{n}".encode()).decode()


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    try:
        kind, _, n = base64.urlsafe_b64decode(after.encode("ascii")).decode().partition(":")
        if kind != "offset" or not n.isdigit() or len(n) > 9:
            raise ValueError(kind)
        return int(n)
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise BadRequest("`after` is not a valid cursor.") from exc


def _first(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"`first` must be between 0 and {MAX_PAGE_SIZE}.")
    return size


Days = Annotated[int, strawberry.argument(description="7 to 366 days, ending today.")]


@strawberry.type
class StockQuery:
    @strawberry.field(
        description="Stock positions of a workspace (or of one location), by location and "
        "product, with their policy's arithmetic and status."
    )
    async def stock_positions(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StockPositionType]:
        workspace = _workspace(workspace_id)
        location = query_id(location_id, "Location", field="locationId") if location_id else None
        size = _first(first)
        key = board.decode_cursor(after) if after else None
        views, more = await board.list_stock_positions(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            location_id=location,
            first=size,
            after=key,
        )
        page = Page(
            items=views,
            cursors=[
                board.encode_cursor(v.position.location_id, v.position.product_id) for v in views
            ],
            has_next=more,
        )
        return connection(page, lambda v: StockPositionType(view=v))

    @strawberry.field(
        description="A location's stock, its subtree rolled up, and its children: null for a "
        "location not in the workspace. A constant number of SQL statements, however many "
        "products and locations."
    )
    async def stock_board(
        self, info: Info, workspace_id: strawberry.ID, location_id: strawberry.ID, days: Days = 28
    ) -> StockBoard | None:
        found = await board.stock_board(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=_workspace(workspace_id),
            location_id=query_id(location_id, "Location", field="locationId"),
            days=days,
        )
        return StockBoard(entry=found.entry, now=found.now) if found else None

    @strawberry.field(
        description="Every location of the workspace with the age of its latest figures, "
        "oldest first (never reported before all)."
    )
    async def location_freshness(
        self, info: Info, workspace_id: strawberry.ID
    ) -> list[LocationFreshnessType]:
        rows = await positions.location_freshness(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=_workspace(workspace_id),
        )
        return [LocationFreshnessType(row=row) for row in rows]

    @strawberry.field(
        description="A product's on hand, demand and reorder point per day at a location: "
        "null for a location or product the viewer does not see there."
    )
    async def product_stock_history(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID,
        product_id: strawberry.ID,
        days: Days = 28,
    ) -> StockHistoryType | None:
        found = await board.product_history(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=_workspace(workspace_id),
            location_id=query_id(location_id, "Location", field="locationId"),
            product_id=query_id(product_id, "Product", field="productId"),
            days=days,
        )
        return StockHistoryType(history=found) if found else None

    @strawberry.field(
        description="The location tree, roots first, each location with its own figures and "
        "its subtree's."
    )
    async def stock_scorecards(
        self, info: Info, workspace_id: strawberry.ID, days: Days = 28
    ) -> list[StockScorecardType]:
        cards = await scorecards.scorecards(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=_workspace(workspace_id),
            days=days,
        )
        return [StockScorecardType(card=card) for card in cards]

    @strawberry.field(
        description="Units sold per product at a location and every location under it (the "
        "whole account without one), most sold first."
    )
    async def sell_through(
        self,
        info: Info,
        workspace_id: strawberry.ID,
        location_id: strawberry.ID | None = None,
        days: Days = 28,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SellThroughType]:
        workspace = _workspace(workspace_id)
        location = query_id(location_id, "Location", field="locationId") if location_id else None
        size, start = _first(first), _offset(after)
        try:
            rows = await scorecards.sell_through(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace,
                location_id=location,
                days=days,
            )
        except UserError as error:
            if error.error_code != ErrorCode.NOT_FOUND:
                raise
            rows = []  # a location not in the workspace answers as one without sales
        chosen = rows[start : start + size]
        page = Page(
            items=chosen,
            cursors=[_offset_cursor(start + i + 1) for i in range(len(chosen))],
            has_next=start + size < len(rows),
        )
        return connection(page, lambda row: SellThroughType(row=row))


# --- reports in --------------------------------------------------------------------------------


@strawberry.input(
    description="One report: the location by ID or code, the product by ID, SKU or the "
    "customer's item number; quantities in base units."
)
class StockReportRowInput:
    location_id: strawberry.ID | None = None
    location_code: str | None = None
    product_id: strawberry.ID | None = None
    sku: str | None = None
    item_number: str | None = strawberry.field(
        default=None, description="The customer's own item number."
    )
    as_of: str = strawberry.field(
        description="A date (2026-05-03: the start of that day, UTC) or a date and time with "
        "its UTC offset."
    )
    period_days: int = strawberry.field(
        default=1, description="The days `sold` and `stockoutDays` cover, ending at asOf."
    )
    on_hand: int
    in_transit: int = 0
    on_order: int = 0
    committed: int = 0
    sold: int = 0
    stockout_days: int = strawberry.field(default=0, description="The period's last days.")


@strawberry.input(
    description=f"At most {MAX_ROWS} rows a call; files go to the CSV or EDI 852 upload."
)
class RecordStockReportsInput:
    workspace_id: strawberry.ID
    mode: IngestMode = IngestMode.ALL_OR_NOTHING
    rows: list[StockReportRowInput]


@strawberry.type(name="StockRowError", description="What is wrong with one row.")
class StockRowErrorType:
    row: int = strawberry.field(description="The row's 1-based position in `rows`.")
    field: str | None = strawberry.field(description="The row's field at fault, if one is.")
    message: str
    code: ErrorCode


@strawberry.type
class RecordStockReportsPayload:
    accepted: int = strawberry.field(default=0, description="The rows recorded.")
    rejected: int = strawberry.field(default=0, description="The rows with errors.")
    row_errors: list[StockRowErrorType] = strawberry.field(
        default_factory=list, description=f"At most {reports.MAX_ERRORS}."
    )
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


_ROW_FIELDS = {
    "location": "location",
    "product": "product",
    "as_of": "asOf",
    "period_days": "periodDays",
    "on_hand": "onHand",
    "in_transit": "inTransit",
    "on_order": "onOrder",
    "committed": "committed",
    "sold": "sold",
    "stockout_days": "stockoutDays",
}


def _row_error(error: reports.RowError) -> StockRowErrorType:
    name = _ROW_FIELDS.get(error.field, error.field) if error.field else None
    return StockRowErrorType(row=error.row, field=name, message=error.message, code=error.code)


def _row(number: int, row: StockReportRowInput) -> reports.StockRowInput:
    """A row as the use case reads it; an ID that is not one of the right type is the
    row's problem (the other rows are still checked)."""
    values = reports.StockRowInput(
        row=number,
        location_code=row.location_code,
        sku=row.sku,
        item_number=row.item_number,
        as_of=row.as_of,
        period_days=row.period_days,
        on_hand=row.on_hand,
        in_transit=row.in_transit,
        on_order=row.on_order,
        committed=row.committed,
        sold=row.sold,
        stockout_days=row.stockout_days,
    )
    for name, expected, target in (
        ("location", "Location", row.location_id),
        ("product", "Product", row.product_id),
    ):
        if target is None:
            continue
        try:
            decoded = decode_id(target, expected, field=name)
        except UserError as error:
            values.problem = reports.RowError(number, name, error.message, ErrorCode.INVALID)
            return values
        setattr(values, f"{name}_id", decoded)
    return values


@strawberry.type
class StockMutation:
    @strawberry.mutation(
        description=f"Record stock reports of the workspace's locations, at most {MAX_ROWS} "
        "rows a call (a file goes to the CSV or EDI 852 upload). ALL_OR_NOTHING with a bad "
        "row records nothing; every row's problems come back in rowErrors."
    )
    async def record_stock_reports(
        self, info: Info, input: RecordStockReportsInput
    ) -> RecordStockReportsPayload:
        def refuse(error: UserErrorType, **more: object) -> RecordStockReportsPayload:
            info.context.rollback_only = True
            return RecordStockReportsPayload(errors=[error], **more)  # type: ignore[arg-type]

        try:
            workspace = decode_id(input.workspace_id, "Workspace", field="workspaceId")
        except UserError as error:
            return refuse(UserErrorType.from_error(error))
        if len(input.rows) > MAX_ROWS:
            return refuse(
                UserErrorType(
                    field="rows",
                    message=f"Send at most {MAX_ROWS} rows a call; upload a file for more.",
                    code=ErrorCode.INVALID,
                )
            )
        try:
            result = await reports.record_reports(
                info.context.session,
                principal=await info.context.require_principal(),
                workspace_id=workspace,
                rows=[_row(i, row) for i, row in enumerate(input.rows, start=1)],
                source=StockSource.API,
                mode=input.mode,
            )
        except reports.StockRowsRefused as refused:
            return refuse(
                UserErrorType(field="rows", message=str(refused), code=ErrorCode.INVALID),
                rejected=refused.result.rejected,
                row_errors=[_row_error(e) for e in refused.result.errors],
            )
        except NotFound as error:
            return refuse(
                UserErrorType(field="workspaceId", message=str(error), code=ErrorCode.NOT_FOUND)
            )
        return RecordStockReportsPayload(
            accepted=result.accepted,
            rejected=result.rejected,
            row_errors=[_row_error(e) for e in result.errors],
        )

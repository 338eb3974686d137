"""The supplier's catalogue and each key account's assortment.

The catalogue belongs to the supplier organization: its admins (CATALOGUE_MANAGE) create and
edit products, its people read them. A customer sees a product only through its account's
assortment: any other product answers as a missing one.

An assortment item is a workspace element, shared by default. The supplier (ASSORTMENT_EDIT)
adds, changes and removes items; its cost and margin are INTERNAL fields of the shared row,
never shown to the customer nor traced where it could read them. The customer's buyer
(INVENTORY_PLAN on the customer side) keeps its own item number up to date, and nothing else."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kamp.accounts.models import KeyAccount, Side, Workspace
from kamp.auth.policy import Permission, can, org_permissions, require, workspaces_with
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.coediting.models import Visibility
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.inventory.models import AssortmentItem, Product, StockPolicy, UnitOfSale
from kamp.pagination import Page, PageArgs, keyset_page
from kamp.text import clean_text

READ = Permission.INVENTORY_READ
MANAGE = Permission.CATALOGUE_MANAGE
ASSORTMENT_EDIT = Permission.ASSORTMENT_EDIT
PLAN = Permission.INVENTORY_PLAN

MAX_QUANTITY = 1_000_000_000  # base units: fits a GraphQL Int
MAX_LEAD_DAYS = 365
INTERNAL_FIELDS = AssortmentItem.internal_fields


class Keep(Enum):
    """An optional input left out (null would clear the field)."""

    KEEP = "keep"


KEEP = Keep.KEEP


# --- validation -----------------------------------------------------------------------------


def whole(value: int | None, field: str, low: int, high: int) -> int | None:
    """An integer within [low, high]; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError(field, f"Use a whole number from {low} to {high}.", ErrorCode.INVALID)
    return value


def decimal(
    value: Decimal | str | None,
    field: str,
    low: Decimal,
    high: Decimal,
    *,
    places: int = 2,
    low_open: bool = False,
) -> Decimal | None:
    """A number within [low, high] (or (low, high]), rounded to `places`; None stays None."""
    if value is None:
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise UserError(field, "Enter a number.", ErrorCode.INVALID) from exc
    bound = f"above {low}" if low_open else f"from {low}"
    refused = UserError(field, f"Use a number {bound} to {high}.", ErrorCode.INVALID)
    if not number.is_finite() or not low <= number <= high:
        raise refused
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if not low <= number <= high or (low_open and number == low):
        raise refused
    return number


def _sku(value: str | None) -> str | None:
    value = clean_text(value, "sku", 64, required=True)
    if value is not None and any(c.isspace() for c in value):
        raise UserError("sku", "A SKU has no spaces.", ErrorCode.INVALID)
    return value


def _lead_sd(value: Decimal | None) -> Decimal | None:
    return decimal(value, "leadTimeSdDays", Decimal(0), Decimal(MAX_LEAD_DAYS))


def _duplicate_sku() -> UserError:
    return UserError("sku", "Another product of the catalogue has this SKU.", ErrorCode.DUPLICATE)


# --- who reads which products ---------------------------------------------------------------


def _whole_catalogue(principal: Principal) -> uuid.UUID | None:
    """The supplier whose whole catalogue the principal reads: its admins who manage it and its
    people who read an account's inventory. An app limited to some key accounts reads only
    their assortments, like a customer."""
    if principal.side != Side.SUPPLIER or principal.key_account_limit is not None:
        return None
    if MANAGE in org_permissions(principal) or workspaces_with(principal, READ):
        return principal.organization_id
    return None


def product_visible(principal: Principal) -> ColumnElement[bool]:
    """Products of the principal's own catalogue, or of an assortment it may see."""
    supplier = _whole_catalogue(principal)
    if supplier is not None:
        # Every assortment it may see is of its own catalogue.
        return Product.supplier_id == supplier
    if not workspaces_with(principal, READ):
        return false()
    return (
        select(AssortmentItem.id)
        .where(
            AssortmentItem.product_id == Product.id,
            access.visible(AssortmentItem, principal, READ),
        )
        .exists()
    )


def _manage(principal: Principal) -> uuid.UUID:
    if MANAGE not in org_permissions(principal):
        raise Forbidden("Only a supplier admin manages the catalogue.")
    return principal.organization_id


# --- catalogue reads ------------------------------------------------------------------------


async def get_products(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Product]:
    rows = await session.scalars(
        select(Product).where(Product.id.in_(ids), product_visible(principal))
    )
    return {row.id: row for row in rows}


def _search(stmt: Select[Any], product_line: str | None, search: str | None) -> Select[Any]:
    if product_line is not None:
        stmt = stmt.where(Product.product_line == product_line.strip())
    if search:
        term = search.strip().lower()[:200]
        stmt = stmt.where(
            or_(
                func.lower(Product.sku).contains(term, autoescape=True),
                func.lower(Product.name).contains(term, autoescape=True),
            )
        )
    return stmt


async def list_products(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageArgs,
    product_line: str | None = None,
    search: str | None = None,
    active: bool | None = None,
) -> Page[Product]:
    """The catalogue as the principal sees it, oldest first; by product line, by a part of
    the SKU or name, active or not."""
    if _whole_catalogue(principal) is None and not workspaces_with(principal, READ):
        raise Forbidden()
    stmt = _search(select(Product).where(product_visible(principal)), product_line, search)
    if active is not None:
        stmt = stmt.where(Product.active.is_(active))
    return await keyset_page(session, stmt, Product, page)


# --- catalogue writes -----------------------------------------------------------------------


async def _sku_taken(
    session: AsyncSession, supplier: uuid.UUID, sku: str, product_id: uuid.UUID | None = None
) -> bool:
    stmt = select(Product.id).where(
        Product.supplier_id == supplier, func.lower(Product.sku) == sku.lower()
    )
    if product_id is not None:
        stmt = stmt.where(Product.id != product_id)
    return await session.scalar(stmt.limit(1)) is not None


async def create_product(
    session: AsyncSession,
    *,
    principal: Principal,
    sku: str,
    name: str,
    unit_of_sale: UnitOfSale = UnitOfSale.PIECE,
    product_line: str = "",
    pack_multiple: int = 1,
    min_order_qty: int = 1,
    lead_time_days: int = 7,
    lead_time_sd_days: Decimal = Decimal(0),
) -> Product:
    """Add a product to the supplier's catalogue. The SKU is unique per supplier (ignoring
    case); the minimum order is in base units (orders are rounded up to the pack)."""
    supplier = _manage(principal)
    row = Product(
        supplier_id=supplier,
        sku=_sku(sku),
        name=clean_text(name, "name", 200, required=True),
        product_line=clean_text(product_line, "productLine", 100),
        unit_of_sale=unit_of_sale,
        pack_multiple=whole(pack_multiple, "packMultiple", 1, MAX_QUANTITY),
        min_order_qty=whole(min_order_qty, "minOrderQty", 1, MAX_QUANTITY),
        lead_time_days=whole(lead_time_days, "leadTimeDays", 0, MAX_LEAD_DAYS),
        lead_time_sd_days=_lead_sd(lead_time_sd_days),
        active=True,
    )
    if await _sku_taken(session, supplier, row.sku):
        raise _duplicate_sku()
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:  # a simultaneous twin; the request rolls back
        raise _duplicate_sku() from exc
    return row


async def update_product(
    session: AsyncSession,
    *,
    principal: Principal,
    product_id: uuid.UUID,
    version: int,
    sku: str | None = None,
    name: str | None = None,
    unit_of_sale: UnitOfSale | None = None,
    product_line: str | None = None,
    pack_multiple: int | None = None,
    min_order_qty: int | None = None,
    lead_time_days: int | None = None,
    lead_time_sd_days: Decimal | None = None,
    active: bool | None = None,
) -> Product:
    """Change a product based on `version`; None leaves a field as it is."""
    supplier = _manage(principal)
    row = await session.get(Product, product_id)
    if row is None or row.supplier_id != supplier:
        raise NotFound()
    values: dict[str, Any] = {
        "sku": _sku(sku),
        "name": clean_text(name, "name", 200, required=True),
        "unit_of_sale": unit_of_sale,
        "product_line": clean_text(product_line, "productLine", 100),
        "pack_multiple": whole(pack_multiple, "packMultiple", 1, MAX_QUANTITY),
        "min_order_qty": whole(min_order_qty, "minOrderQty", 1, MAX_QUANTITY),
        "lead_time_days": whole(lead_time_days, "leadTimeDays", 0, MAX_LEAD_DAYS),
        "lead_time_sd_days": _lead_sd(lead_time_sd_days),
        "active": active,
    }
    writes.check_version(row, version)
    if values["sku"] is not None and await _sku_taken(session, supplier, values["sku"], row.id):
        raise _duplicate_sku()
    changed = False
    for name_, value in values.items():
        if value is not None and getattr(row, name_) != value:
            setattr(row, name_, value)
            changed = True
    if changed:
        try:
            await writes.flush(session)
        except IntegrityError as exc:
            raise _duplicate_sku() from exc
    return row


# --- assortment reads -----------------------------------------------------------------------


def _item_visible(principal: Principal) -> ColumnElement[bool]:
    return access.visible(AssortmentItem, principal, READ)


async def get_assortment_items(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AssortmentItem]:
    rows = await session.scalars(
        select(AssortmentItem).where(AssortmentItem.id.in_(ids), _item_visible(principal))
    )
    return {row.id: row for row in rows}


async def list_assortment(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    product_line: str | None = None,
    search: str | None = None,
) -> Page[AssortmentItem]:
    """The products a key account buys, in the order they were added."""
    require(principal, workspace_id, READ)
    products = _search(select(Product.id), product_line, search)
    stmt = select(AssortmentItem).where(
        AssortmentItem.workspace_id == workspace_id, _item_visible(principal)
    )
    if product_line is not None or search:
        stmt = stmt.where(AssortmentItem.product_id.in_(products))
    return await keyset_page(session, stmt, AssortmentItem, page)


async def assortment_product(
    session: AsyncSession,
    principal: Principal,
    workspace_id: uuid.UUID,
    product_id: uuid.UUID,
    field: str = "productId",
) -> Product:
    """A product of the workspace's assortment the principal may see; any other answers as a
    missing one (for stock policies and reports)."""
    row = await session.scalar(
        select(Product)
        .join(AssortmentItem, AssortmentItem.product_id == Product.id)
        .where(
            AssortmentItem.workspace_id == workspace_id,
            Product.id == product_id,
            _item_visible(principal),
        )
    )
    if row is None:
        raise UserError(field, "No such product in this account's assortment.", ErrorCode.NOT_FOUND)
    return row


async def kept_internal(
    session: AsyncSession, workspace_id: uuid.UUID, product_id: uuid.UUID
) -> bool:
    """Does the supplier keep this product internal in the account's assortment?"""
    visibility = await session.scalar(
        select(AssortmentItem.visibility).where(
            AssortmentItem.workspace_id == workspace_id, AssortmentItem.product_id == product_id
        )
    )
    return visibility == Visibility.INTERNAL


async def _has_policy(session: AsyncSession, row: AssortmentItem) -> bool:
    found = await session.scalar(
        select(StockPolicy.id)
        .where(
            StockPolicy.workspace_id == row.workspace_id,
            StockPolicy.product_id == row.product_id,
        )
        .limit(1)
    )
    return found is not None


def may_read_commercials(principal: Principal, row: AssortmentItem) -> bool:
    """Cost and margin are the supplier's: null for everyone else."""
    return can(principal, row.workspace_id, Permission.ACCOUNT_INTERNAL_READ)


# --- assortment writes ----------------------------------------------------------------------


def _priority(value: int | None) -> int | None:
    return whole(value, "priority", 1, 9)


def _cost(value: Decimal | None) -> Decimal | None:
    return decimal(value, "cost", Decimal(0), Decimal("99999999999999"), places=4)


def _margin(value: Decimal | None) -> Decimal | None:
    return decimal(value, "marginPct", Decimal("-9999.99"), Decimal(100))


def _require_commercials(principal: Principal, workspace_id: uuid.UUID) -> None:
    require(principal, workspace_id, ASSORTMENT_EDIT)
    require(principal, workspace_id, Permission.ACCOUNT_INTERNAL_READ)


async def _supplier_product(
    session: AsyncSession, workspace_id: uuid.UUID, product_id: uuid.UUID
) -> Product:
    """A product of the catalogue of the workspace's supplier."""
    row = await session.scalar(
        select(Product)
        .join(KeyAccount, KeyAccount.supplier_id == Product.supplier_id)
        .join(Workspace, Workspace.key_account_id == KeyAccount.id)
        .where(Workspace.id == workspace_id, Product.id == product_id)
    )
    if row is None:
        raise UserError("productId", "No such product in the catalogue.", ErrorCode.NOT_FOUND)
    return row


def _duplicate_item() -> UserError:
    return UserError(
        "productId", "This product is already in the account's assortment.", ErrorCode.DUPLICATE
    )


async def add_assortment_item(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    product_id: uuid.UUID,
    customer_item_number: str = "",
    priority: int = 3,
    cost: Decimal | None = None,
    margin_pct: Decimal | None = None,
    visibility: Visibility | None = None,
) -> AssortmentItem:
    """The supplier adds a product of its catalogue to an account's assortment."""
    require(principal, workspace_id, ASSORTMENT_EDIT)
    if cost is not None or margin_pct is not None:
        _require_commercials(principal, workspace_id)
    chosen = access.initial_visibility(principal, workspace_id, visibility, Visibility.SHARED)
    product = await _supplier_product(session, workspace_id, product_id)
    if not product.active:
        raise UserError("productId", "This product is no longer sold.", ErrorCode.INVALID)
    row = AssortmentItem(
        workspace_id=workspace_id,
        product_id=product.id,
        customer_item_number=clean_text(customer_item_number, "customerItemNumber", 64),
        priority=_priority(priority),
        cost=_cost(cost),
        margin_pct=_margin(margin_pct),
        visibility=chosen,
    )
    existing = await session.scalar(
        select(AssortmentItem.id).where(
            AssortmentItem.workspace_id == workspace_id, AssortmentItem.product_id == product.id
        )
    )
    if existing is not None:
        raise _duplicate_item()
    try:
        return await writes.create(session, principal=principal, row=row)
    except IntegrityError as exc:  # a simultaneous twin; the request rolls back
        raise _duplicate_item() from exc


async def visible_item(
    session: AsyncSession, principal: Principal, item_id: uuid.UUID, field: str = "id"
) -> AssortmentItem:
    row = (await get_assortment_items(session, principal=principal, ids=[item_id])).get(item_id)
    if row is None:
        raise UserError(field, "Not found.", ErrorCode.NOT_FOUND)
    return row


def _customer_editor(principal: Principal, workspace_id: uuid.UUID) -> bool:
    """The customer's planner, who keeps its own item numbers."""
    return principal.side == Side.CUSTOMER and can(principal, workspace_id, PLAN)


async def update_assortment_item(
    session: AsyncSession,
    *,
    principal: Principal,
    item_id: uuid.UUID,
    version: int,
    customer_item_number: str | None = None,
    priority: int | None = None,
    cost: Decimal | Keep | None = KEEP,
    margin_pct: Decimal | Keep | None = KEEP,
    visibility: Visibility | None = None,
) -> AssortmentItem:
    """The supplier changes any field (cost and margin if it reads its internal view); the
    customer's buyer only its own item number. A null cost or margin clears it."""
    row = await visible_item(session, principal, item_id)
    workspace = row.workspace_id
    if _customer_editor(principal, workspace):
        # Restating the priority or visibility as they are is no change; cost and margin it
        # cannot even read.
        for name, changes in (
            ("priority", priority is not None and priority != row.priority),
            ("visibility", visibility is not None and visibility != row.visibility),
            ("cost", not isinstance(cost, Keep)),
            ("marginPct", not isinstance(margin_pct, Keep)),
        ):
            if changes:
                raise UserError(
                    name,
                    "Only the supplier changes this; you keep your own item number.",
                    ErrorCode.FORBIDDEN,
                )
    else:
        require(principal, workspace, ASSORTMENT_EDIT)
        if not isinstance(cost, Keep) or not isinstance(margin_pct, Keep):
            _require_commercials(principal, workspace)
        if visibility is not None and visibility != row.visibility:
            require(principal, workspace, Permission.VISIBILITY_MANAGE)
            if visibility == Visibility.INTERNAL and await _has_policy(session, row):
                raise UserError(
                    "visibility",
                    "Stock policies use this product: both sides see them. Remove them first.",
                    ErrorCode.INVALID,
                )
    values: dict[str, Any] = {
        "customer_item_number": clean_text(customer_item_number, "customerItemNumber", 64),
        "priority": _priority(priority),
    }
    if not isinstance(cost, Keep):
        values["cost"] = writes.or_clear(_cost(cost))
    if not isinstance(margin_pct, Keep):
        values["margin_pct"] = writes.or_clear(_margin(margin_pct))
    await writes.update(
        session,
        principal=principal,
        row=row,
        version=version,
        values=values,
        visibility=visibility,
        internal_fields=INTERNAL_FIELDS,
    )
    return row


async def remove_assortment_item(
    session: AsyncSession, *, principal: Principal, item_id: uuid.UUID
) -> uuid.UUID:
    """Take a product out of an account's assortment; not while a location still plans it."""
    row = await visible_item(session, principal, item_id)
    require(principal, row.workspace_id, ASSORTMENT_EDIT)
    planned = await session.scalar(
        select(StockPolicy.id)
        .where(
            StockPolicy.workspace_id == row.workspace_id,
            StockPolicy.product_id == row.product_id,
            StockPolicy.active.is_(True),
        )
        .limit(1)
    )
    if planned is not None:
        raise UserError(
            "id", "Deactivate the stock policies of this product first.", ErrorCode.INVALID
        )
    await writes.delete(session, principal=principal, row=row)
    return item_id


# --- what the viewer may do -----------------------------------------------------------------


def item_abilities(principal: Principal, row: AssortmentItem) -> access.Abilities:
    """The supplier edits and removes; the customer's buyer edits its item number."""
    workspace = row.workspace_id
    supplier = can(principal, workspace, ASSORTMENT_EDIT)
    return access.Abilities(
        edit=supplier or _customer_editor(principal, workspace),
        delete=supplier,
        share=supplier and can(principal, workspace, Permission.VISIBILITY_MANAGE),
    )


def may_manage_catalogue(principal: Principal) -> bool:
    return MANAGE in org_permissions(principal)


access.reader("AssortmentItem", get_assortment_items)
access.rule(AssortmentItem, item_abilities)

"""Replenishment proposals as the customer sees and decides them.

A customer buyer (REPLENISHMENT_APPROVE) decides a proposal at once: every line still waiting
(PROPOSED) is approved, modified (another quantity) or rejected in one call, based on the
proposal's version. Two people deciding the same proposal at the same time give one order: the
proposal's row is written first, so the second gets a CONFLICT and writes nothing.

A modified quantity is any positive whole number: the customer knows its shelf better than the
arithmetic. What the arithmetic would have kept it from (not whole packs, below the minimum
order, above the location's max) is returned as warnings and kept in the line's explanation
under `decision`, never refused. A line of quantity 0 (blocked by the max) cannot be approved
as it is: it is modified or rejected.

Approved and modified lines become one order (origin APPROVED), numbered on from the
workspace's last order under the workspace's lock, its priority the first of its products'."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import Side
from kamp.auth.policy import Permission, can, require
from kamp.auth.principal import Principal
from kamp.coediting import access, writes
from kamp.errors import ErrorCode, Forbidden, NotFound, UserError
from kamp.inventory.evaluation import (
    DEFAULT_PRIORITY,
    Evaluation,
    evaluate,
    format_number,
    lock,
    next_order_number,
)
from kamp.inventory.models import (
    AssortmentItem,
    LineStatus,
    Order,
    OrderLine,
    OrderOrigin,
    OrderStatus,
    ProposalLine,
    ProposalStatus,
    ReplenishmentProposal,
    StockPolicy,
)
from kamp.pagination import Page, PageArgs, keyset_page, keyset_pages


class Decision(StrEnum):
    APPROVE = "APPROVE"
    MODIFY = "MODIFY"
    REJECT = "REJECT"


@dataclass(frozen=True)
class LineDecision:
    line_id: uuid.UUID
    decision: Decision
    quantity: int | None = None  # MODIFY only


@dataclass
class Decided:
    proposal: ReplenishmentProposal
    order: Order | None
    # Per line: what the arithmetic would not have ordered (the quantity stands).
    warnings: dict[uuid.UUID, list[str]] = field(default_factory=dict)


_READ = Permission.INVENTORY_READ


async def get_proposal(
    session: AsyncSession, *, principal: Principal, proposal_id: uuid.UUID
) -> ReplenishmentProposal:
    """A proposal the principal may see; any other, missing or not, is NotFound."""
    model = ReplenishmentProposal
    row = await session.scalar(
        select(model).where(model.id == proposal_id, access.visible(model, principal, _READ))
    )
    if row is None:
        raise NotFound()
    return row


async def list_proposals(
    session: AsyncSession,
    *,
    principal: Principal,
    workspace_id: uuid.UUID,
    page: PageArgs,
    location_id: uuid.UUID | None = None,
    status: ProposalStatus | None = None,
) -> Page[ReplenishmentProposal]:
    """A workspace's proposals, newest first."""
    require(principal, workspace_id, _READ)
    model = ReplenishmentProposal
    stmt = select(model).where(
        model.workspace_id == workspace_id, access.visible(model, principal, _READ)
    )
    if location_id is not None:
        stmt = stmt.where(model.location_id == location_id)
    if status is not None:
        stmt = stmt.where(model.status == status)
    return await keyset_page(session, stmt, model, page, newest_first=True)


async def lines_of(
    session: AsyncSession, *, principal: Principal, proposal_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ProposalLine]]:
    """The lines of these proposals (one query), the principal seeing their proposals."""
    found: dict[uuid.UUID, list[ProposalLine]] = {pid: [] for pid in proposal_ids}
    rows = await session.scalars(
        select(ProposalLine)
        .where(
            ProposalLine.proposal_id.in_(list(proposal_ids)),
            access.visible(ProposalLine, principal, _READ),
        )
        .order_by(ProposalLine.proposal_id, ProposalLine.created_at, ProposalLine.id)
    )
    for line in rows:
        found[line.proposal_id].append(line)
    return found


async def get_proposals(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReplenishmentProposal]:
    """The proposals among `ids` the principal may see (one query)."""
    model = ReplenishmentProposal
    rows = await session.scalars(
        select(model).where(model.id.in_(list(ids)), access.visible(model, principal, _READ))
    )
    return {row.id: row for row in rows}


async def get_lines(
    session: AsyncSession, *, principal: Principal, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProposalLine]:
    """The lines among `ids` the principal may see, their proposals visible too."""
    rows = await session.scalars(
        select(ProposalLine).where(
            ProposalLine.id.in_(list(ids)), access.visible(ProposalLine, principal, _READ)
        )
    )
    return {row.id: row for row in rows}


async def line_pages(
    session: AsyncSession,
    *,
    principal: Principal,
    proposal_ids: Sequence[uuid.UUID],
    page: PageArgs,
) -> dict[uuid.UUID, Page[ProposalLine]]:
    """A page of each proposal's lines, in the order written, in one statement."""
    return await keyset_pages(
        session,
        select(ProposalLine).where(access.visible(ProposalLine, principal, _READ)),
        ProposalLine,
        page,
        parent=ProposalLine.proposal_id,
        parent_ids=proposal_ids,
    )


def _step(explanation: dict[str, Any], name: str) -> Any:
    for step in explanation.get("steps", []):
        if step.get("name") == name:
            return step.get("value")
    return None


def quantity_warnings(line: ProposalLine, quantity: int) -> list[str]:
    """What the arithmetic would have kept a modified quantity from."""
    inputs = line.explanation.get("inputs", {})
    warnings = []
    pack = inputs.get("pack_multiple") or 1
    moq = inputs.get("min_order_qty") or 0
    if pack > 1 and quantity % pack:
        warnings.append(f"{quantity} is not a whole number of packs of {pack}.")
    if quantity < moq:
        warnings.append(f"{quantity} is below the minimum order of {moq}.")
    position, max_qty = _step(line.explanation, "inventory_position"), inputs.get("max_qty")
    if max_qty is not None and position is not None and position + quantity > max_qty:
        warnings.append(f"{quantity} takes the location above its maximum of {max_qty}.")
    return warnings


def _validate(
    waiting: dict[uuid.UUID, ProposalLine], decisions: Sequence[LineDecision]
) -> dict[uuid.UUID, LineDecision]:
    chosen: dict[uuid.UUID, LineDecision] = {}
    for decision in decisions:
        if decision.line_id not in waiting:
            raise UserError(
                "lines", "A line is not one of this proposal's waiting lines.", ErrorCode.NOT_FOUND
            )
        if decision.line_id in chosen:
            raise UserError("lines", "A line is decided twice.", ErrorCode.INVALID)
        line = waiting[decision.line_id]
        if decision.decision == Decision.MODIFY:
            if decision.quantity is None or decision.quantity < 1:
                raise UserError(
                    "quantity",
                    "A modified quantity is a whole number of at least 1 (reject the line "
                    "to order none).",
                    ErrorCode.INVALID,
                )
        elif decision.quantity is not None:
            raise UserError("quantity", "Only a modified line takes a quantity.", ErrorCode.INVALID)
        if decision.decision == Decision.APPROVE and line.quantity <= 0:
            raise UserError(
                "lines",
                "This line orders nothing as it is (the location's max leaves no room): "
                "modify its quantity or reject it.",
                ErrorCode.INVALID,
            )
        chosen[decision.line_id] = decision
    if set(chosen) != set(waiting):
        raise UserError("lines", "Decide every waiting line of the proposal.", ErrorCode.REQUIRED)
    return chosen


async def _priority(
    session: AsyncSession, workspace_id: uuid.UUID, product_ids: list[uuid.UUID]
) -> int:
    best = await session.scalar(
        select(func.min(AssortmentItem.priority)).where(
            AssortmentItem.workspace_id == workspace_id,
            AssortmentItem.product_id.in_(product_ids),
        )
    )
    return int(best) if best is not None else DEFAULT_PRIORITY


async def decide_proposal(
    session: AsyncSession,
    *,
    principal: Principal,
    proposal_id: uuid.UUID,
    version: int,
    lines: Sequence[LineDecision],
) -> Decided:
    """Decide every waiting line of a proposal; the approved ones become one order."""
    proposal = await get_proposal(session, principal=principal, proposal_id=proposal_id)
    workspace_id = proposal.workspace_id
    require(principal, workspace_id, Permission.REPLENISHMENT_APPROVE)
    writes.check_version(proposal, version)
    if proposal.status != ProposalStatus.OPEN:
        raise UserError("id", "This proposal is already decided.", ErrorCode.INVALID)
    waiting = {
        line.id: line
        for line in await session.scalars(
            select(ProposalLine).where(
                ProposalLine.proposal_id == proposal.id,
                ProposalLine.status == LineStatus.PROPOSED,
            )
        )
    }
    chosen = _validate(waiting, lines)
    now = clock.now()
    # The proposal first: of two deciding at once, the second stops here (CONFLICT).
    await writes.update(
        session,
        principal=principal,
        row=proposal,
        version=version,
        values={
            "status": ProposalStatus.DECIDED,
            "decided_by_id": principal.user_id,
            "decided_at": now,
        },
    )
    warnings: dict[uuid.UUID, list[str]] = {}
    ordered: list[tuple[ProposalLine, int]] = []
    for line_id, decision in chosen.items():
        line = waiting[line_id]
        status, quantity = {
            Decision.APPROVE: (LineStatus.APPROVED, line.quantity),
            Decision.MODIFY: (LineStatus.MODIFIED, decision.quantity),
            Decision.REJECT: (LineStatus.REJECTED, None),
        }[decision.decision]
        if decision.decision == Decision.MODIFY and quantity is not None:
            found = quantity_warnings(line, quantity)
            if found:
                warnings[line.id] = found
            line.explanation = {
                **line.explanation,
                "decision": {"quantity": quantity, "warnings": found},
            }
        await writes.update(
            session,
            principal=principal,
            row=line,
            version=line.version,
            values={
                "status": status,
                "approved_quantity": quantity,
                "decided_by_id": principal.user_id,
                "decided_at": now,
            },
        )
        if quantity:
            ordered.append((line, quantity))
    order = await _place(session, principal, proposal, ordered, now) if ordered else None
    return Decided(proposal=proposal, order=order, warnings=warnings)


async def _place(
    session: AsyncSession,
    principal: Principal,
    proposal: ReplenishmentProposal,
    ordered: list[tuple[ProposalLine, int]],
    now: Any,
) -> Order:
    await lock(session, proposal.workspace_id)
    number = await next_order_number(session, proposal.workspace_id)
    order = await writes.create(
        session,
        principal=principal,
        row=Order(
            workspace_id=proposal.workspace_id,
            location_id=proposal.location_id,
            proposal_id=proposal.id,
            origin=OrderOrigin.APPROVED,
            number=format_number(number),
            status=OrderStatus.PLACED,
            priority=await _priority(
                session, proposal.workspace_id, [line.product_id for line, _ in ordered]
            ),
            placed_at=now,
        ),
    )
    for line, quantity in ordered:
        await writes.create(
            session,
            principal=principal,
            row=OrderLine(
                workspace_id=proposal.workspace_id,
                order_id=order.id,
                product_id=line.product_id,
                proposal_line_id=line.id,
                quantity=quantity,
            ),
        )
    return order


# --- running an evaluation now ---------------------------------------------------------------


def manual_run_key() -> str:
    """The run key of an evaluation asked for by hand: one per minute, so a double click
    (or a retried request) of the same minute writes nothing twice."""
    return f"manual:{clock.now():%Y-%m-%dT%H:%M}"


def may_evaluate(principal: Principal, workspace_id: uuid.UUID) -> bool:
    """The supplier's planners (INVENTORY_PLAN on the supplier's side: the KAM, a supplier
    member, the supplier's ERP with inventory:write) run an evaluation now; the customer, who
    decides what it proposes, waits for the hourly run or asks them."""
    return principal.side == Side.SUPPLIER and can(
        principal, workspace_id, Permission.INVENTORY_PLAN
    )


@dataclass(frozen=True)
class Run:
    run_key: str
    result: Evaluation


async def evaluate_now(
    session: AsyncSession, *, principal: Principal, workspace_id: uuid.UUID
) -> Run:
    """Evaluate one workspace's policies at once, as the hourly run would."""
    require(principal, workspace_id, Permission.INVENTORY_PLAN)
    if not may_evaluate(principal, workspace_id):
        raise Forbidden()
    key = manual_run_key()
    planned = await session.scalar(
        select(
            exists().where(StockPolicy.workspace_id == workspace_id, StockPolicy.active.is_(True))
        )
    )
    if not planned:
        # Nothing to evaluate (and `evaluate` cannot yet build its statement without a
        # single service level in use).
        return Run(key, Evaluation(0, 0, 0, 0, 0))
    return Run(key, await evaluate(session, workspace_id=workspace_id, run_key=key))


# --- what the viewer may do -------------------------------------------------------------------


def may_decide(principal: Principal, row: ReplenishmentProposal) -> bool:
    """A customer's approver decides an open proposal (what `decide_proposal` asks)."""
    return row.status == ProposalStatus.OPEN and can(
        principal, row.workspace_id, Permission.REPLENISHMENT_APPROVE
    )


def may_decide_line(principal: Principal, row: ProposalLine) -> bool:
    """A waiting line, decided with its proposal by whoever may decide that."""
    return row.status == LineStatus.PROPOSED and can(
        principal, row.workspace_id, Permission.REPLENISHMENT_APPROVE
    )


def proposal_abilities(principal: Principal, row: ReplenishmentProposal) -> access.Abilities:
    """Edit: decide it. Proposals are never deleted, and keep the visibility they were
    written with."""
    return access.Abilities(edit=may_decide(principal, row))


def line_abilities(principal: Principal, row: ProposalLine) -> access.Abilities:
    return access.Abilities(edit=may_decide_line(principal, row))


access.reader("ReplenishmentProposal", get_proposals)
access.reader("ProposalLine", get_lines)
access.rule(ReplenishmentProposal, proposal_abilities)
access.rule(ProposalLine, line_abilities)

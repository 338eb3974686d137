"""The customer decides a proposal: its approved and modified lines become one order; no one
else may decide it, and a refused decision changes nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from kamp.accounts.models import Role, User
from kamp.db import transaction
from kamp.errors import Conflict, Forbidden, NotFound, UserError
from kamp.inventory.models import (
    LineStatus,
    Order,
    OrderLine,
    OrderOrigin,
    OrderStatus,
    ProposalLine,
    ProposalStatus,
)
from kamp.inventory.proposals import (
    Decision,
    LineDecision,
    decide_proposal,
    get_proposal,
    list_proposals,
)
from kamp.pagination import PageArgs
from tests.inventory.replenishment_support import open_proposal, principal_of
from tests.support import snapshot


async def _decide(runtime, user, proposal_id, decisions, version=1, **narrowed):
    async with transaction(runtime.session_factory) as session:
        principal = await principal_of(session, await session.get_one(User, user.id), **narrowed)
        return await decide_proposal(
            session, principal=principal, proposal_id=proposal_id, version=version, lines=decisions
        )


def _all(lines, **overrides):
    decisions = {
        "PLAIN": LineDecision(lines["PLAIN"], Decision.APPROVE),
        "PACKED": LineDecision(lines["PACKED"], Decision.MODIFY, 100),
        "BLOCKED": LineDecision(lines["BLOCKED"], Decision.REJECT),
    }
    decisions.update(overrides)
    return list(decisions.values())


async def test_the_buyer_decides_and_the_approved_lines_become_one_order(runtime, world):
    proposal_id, lines = await open_proposal(runtime, world)
    buyer = world.a.users[Role.CUSTOMER_BUYER]
    decided = await _decide(runtime, buyer, proposal_id, _all(lines))
    # 100 is not whole packs of 12: accepted, and said so.
    assert decided.warnings == {lines["PACKED"]: ["100 is not a whole number of packs of 12."]}
    async with runtime.session_factory() as session:
        order = await session.scalar(select(Order))
        assert (order.origin, order.status, order.number) == (
            OrderOrigin.APPROVED,
            OrderStatus.PLACED,
            "PO-000001",
        )
        assert order.priority == 2 and order.proposal_id == proposal_id
        ordered = {
            line.proposal_line_id: line.quantity
            for line in await session.scalars(select(OrderLine))
        }
        assert ordered == {lines["PLAIN"]: 187, lines["PACKED"]: 100}
        statuses = {
            line.id: (line.status, line.approved_quantity, line.decided_by_id)
            for line in await session.scalars(select(ProposalLine))
        }
        assert statuses == {
            lines["PLAIN"]: (LineStatus.APPROVED, 187, buyer.id),
            lines["PACKED"]: (LineStatus.MODIFIED, 100, buyer.id),
            lines["BLOCKED"]: (LineStatus.REJECTED, None, buyer.id),
        }
        packed = await session.get_one(ProposalLine, lines["PACKED"])
        assert packed.explanation["decision"]["quantity"] == 100
        principal = await principal_of(session, await session.get_one(User, buyer.id))
        proposal = await get_proposal(session, principal=principal, proposal_id=proposal_id)
        assert proposal.status == ProposalStatus.DECIDED and proposal.version == 2
        page = await list_proposals(
            session,
            principal=principal,
            workspace_id=world.a.workspace.id,
            page=PageArgs(first=10),
            status=ProposalStatus.DECIDED,
        )
        assert [p.id for p in page.items] == [proposal_id]
    # The next order of the workspace takes the next number.
    second = await _decide_again(runtime, world)
    assert second == "PO-000002"


async def _decide_again(runtime, world):
    from kamp.inventory.evaluation import evaluate
    from kamp.inventory.models import StockPosition

    async with transaction(runtime.session_factory) as session:
        for position in await session.scalars(select(StockPosition)):
            position.report_id = uuid.uuid4()
            position.as_of = position.as_of.replace(year=2099)
        await evaluate(session, run_key="again")
    async with runtime.session_factory() as session:
        new = list(
            await session.scalars(select(ProposalLine).where(ProposalLine.status == "PROPOSED"))
        )
    decided = await _decide(
        runtime,
        world.a.users[Role.CUSTOMER_BUYER],
        new[0].proposal_id,
        [LineDecision(line.id, Decision.MODIFY, 12) for line in new],
    )
    return decided.order.number


@pytest.mark.parametrize(
    ("who", "narrowed", "error"),
    [
        (("a", Role.KAM), {}, Forbidden),
        (("a", Role.MENTOR), {}, Forbidden),
        (("a", Role.SUPPLIER_MEMBER), {}, Forbidden),
        (("a", Role.CUSTOMER_EXECUTIVE), {}, Forbidden),
        (("b", Role.CUSTOMER_BUYER), {}, NotFound),
        (("a", Role.CUSTOMER_BUYER), {"scopes": frozenset({"inventory:read"})}, Forbidden),
        (("a", Role.CUSTOMER_BUYER), {"scopes": frozenset({"inventory:write"})}, NotFound),
    ],
)
async def test_no_one_else_decides_and_a_refusal_changes_nothing(
    runtime, world, who, narrowed, error
):
    proposal_id, lines = await open_proposal(runtime, world)
    account, role = who
    user = getattr(world, account).users[role]
    before = await snapshot(runtime.session_factory)
    with pytest.raises(error) as refused:
        await _decide(runtime, user, proposal_id, _all(lines), **narrowed)
    if error is NotFound:
        # The same answer as for a proposal that does not exist.
        with pytest.raises(NotFound) as missing:
            await _decide(runtime, user, uuid.uuid4(), _all(lines), **narrowed)
        assert str(refused.value) == str(missing.value)
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize(
    ("decisions", "field"),
    [
        (lambda lines: _all(lines)[:2], "lines"),  # a waiting line left undecided
        (
            lambda lines: _all(lines, BLOCKED=LineDecision(lines["BLOCKED"], Decision.APPROVE)),
            "lines",
        ),
        (
            lambda lines: _all(lines, PACKED=LineDecision(lines["PACKED"], Decision.MODIFY, 0)),
            "quantity",
        ),
        (
            lambda lines: _all(lines, PLAIN=LineDecision(lines["PLAIN"], Decision.APPROVE, 5)),
            "quantity",
        ),
        (lambda lines: [*_all(lines), LineDecision(uuid.uuid4(), Decision.REJECT)], "lines"),
    ],
)
async def test_invalid_decisions_are_refused_whole(runtime, world, decisions, field):
    proposal_id, lines = await open_proposal(runtime, world)
    before = await snapshot(runtime.session_factory)
    with pytest.raises(UserError) as refused:
        await _decide(runtime, world.a.users[Role.CUSTOMER_BUYER], proposal_id, decisions(lines))
    assert refused.value.field == field
    assert await snapshot(runtime.session_factory) == before


async def test_a_stale_version_is_a_conflict_and_writes_nothing(runtime, world):
    proposal_id, lines = await open_proposal(runtime, world)
    buyer = world.a.users[Role.CUSTOMER_BUYER]
    await _decide(runtime, buyer, proposal_id, _all(lines))
    before = await snapshot(runtime.session_factory)
    with pytest.raises(Conflict):
        await _decide(runtime, buyer, proposal_id, _all(lines), version=1)
    with pytest.raises(UserError):  # based on the current version: already decided
        await _decide(runtime, buyer, proposal_id, _all(lines), version=2)
    assert await snapshot(runtime.session_factory) == before

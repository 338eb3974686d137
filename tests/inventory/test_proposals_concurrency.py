"""Two buyers deciding one proposal at the same moment give one order (PostgreSQL: both read
the proposal before either writes)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from kamp.accounts.models import Role, User
from kamp.db import transaction
from kamp.errors import Conflict
from kamp.inventory import proposals as proposals_module
from kamp.inventory.models import Order, OrderLine
from kamp.inventory.proposals import Decision, LineDecision, decide_proposal
from tests.inventory.replenishment_support import open_proposal, principal_of


async def test_two_decisions_at_once_give_one_order(runtime, world, monkeypatch):
    if runtime.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    proposal_id, lines = await open_proposal(runtime, world)
    barrier = asyncio.Barrier(2)
    load = proposals_module.get_proposal

    async def both_have_read(session, **kwargs):
        row = await load(session, **kwargs)
        await barrier.wait()  # both hold version 1 before either writes
        return row

    async def decide() -> str:
        try:
            async with transaction(runtime.session_factory) as session:
                user = await session.get_one(User, world.a.users[Role.CUSTOMER_BUYER].id)
                principal = await principal_of(session, user)
                decided = await decide_proposal(
                    session,
                    principal=principal,
                    proposal_id=proposal_id,
                    version=1,
                    lines=[
                        LineDecision(lines["PLAIN"], Decision.APPROVE),
                        LineDecision(lines["PACKED"], Decision.APPROVE),
                        LineDecision(lines["BLOCKED"], Decision.REJECT),
                    ],
                )
                return decided.order.number
        except Conflict:
            return "conflict"

    monkeypatch.setattr(proposals_module, "get_proposal", both_have_read)
    outcomes = await asyncio.gather(decide(), decide())
    assert sorted(outcomes) == ["PO-000001", "conflict"]
    async with runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
        assert await session.scalar(select(func.count()).select_from(OrderLine)) == 2

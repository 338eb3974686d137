"""The hourly evaluation job runs in-process, and twice in one hour writes nothing twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kamp.coediting.models import ChangeRecord
from kamp.db import transaction
from kamp.inventory.models import ProposalLine, ReplenishmentProposal
from kamp.jobs.queue import JobContext
from kamp.jobs.tasks import SCHEDULE, TASKS, evaluate_replenishment
from tests.inventory.replenishment_support import AS_OF, add_policy, add_product


async def test_the_hourly_job_evaluates_once_per_hour(runtime, world, clock):
    clock.travel(AS_OF + timedelta(minutes=5))
    assert SCHEDULE["evaluate_replenishment"] == 60 and "evaluate_replenishment" in TASKS
    async with transaction(runtime.session_factory) as session:
        product = await add_product(session, world, "JOB-1")
        await add_policy(session, world.a.hq, product)
    ctx = {"kamp": JobContext(settings=runtime.settings, session_factory=runtime.session_factory)}
    assert await evaluate_replenishment(ctx) == 1
    assert await evaluate_replenishment(ctx) == 0  # duplicated
    assert await evaluate_replenishment(ctx, workspace_id=str(world.a.workspace.id)) == 0
    async with runtime.session_factory() as session:
        proposal = await session.scalar(select(ReplenishmentProposal))
        assert proposal.run_key == "hourly:2025-03-10T08"
        assert await session.scalar(select(func.count()).select_from(ProposalLine)) == 1
        history = list(
            await session.scalars(
                select(ChangeRecord.action).where(ChangeRecord.node_id == proposal.id)
            )
        )
        assert history == ["created"]

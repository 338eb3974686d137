"""Demo action items, loaded by `kamp seed --demo` through the action board's use cases: two
from last week's call (one due soon, one overdue and in progress) and one internal to the
supplier, relative to the day of seeding."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.actions import service as actions
from kamp.actions.comments import add_comment
from kamp.actions.models import ActionPriority, ActionStatus
from kamp.auth.service import principal_for_user
from kamp.coediting.models import Visibility
from kamp.meetings.models import Meeting


def _next_quarter() -> int:
    this_quarter = (clock.today().month - 1) // 3 + 1
    return this_quarter % 4 + 1


async def load_demo_actions(
    session: AsyncSession,
    *,
    workspace: Workspace,
    meeting: Meeting,
    kam: User,
    member: User,
    buyer: User,
) -> None:
    principal = await principal_for_user(session, user=kam)
    volumes = await actions.create_action_item(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title=f"Send the Q{_next_quarter()} volume forecast per branch",
        description="Per branch and A-item family, so we can set reorder points.",
        owner_id=buyer.id,
        due_date=(clock.now() + timedelta(days=2)).date(),
        priority=ActionPriority.HIGH,
        meeting_id=meeting.id,
    )
    await add_comment(
        session,
        principal=principal,
        action_item_id=volumes.id,
        text=f"@{buyer.email} the template from last quarter works fine.",
    )
    carrier = await actions.create_action_item(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Confirm the carrier change with Toledo Branch 22",
        owner_id=member.id,
        due_date=(clock.now() - timedelta(days=3)).date(),
        meeting_id=meeting.id,
    )
    await actions.update_action_item(
        session,
        principal=principal,
        item_id=carrier.id,
        version=carrier.version,
        status=ActionStatus.IN_PROGRESS,
    )
    await actions.create_action_item(
        session,
        principal=principal,
        workspace_id=workspace.id,
        title="Prepare margin scenarios for the retrofit proposal",
        owner_id=kam.id,
        due_date=(clock.now() + timedelta(days=9)).date(),
        visibility=Visibility.INTERNAL,
    )

"""Following action items up (scheduled jobs): owners are reminded before the due date, and
the KAM hears of items still open a while after it. Each notice happens once per due date."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import KeyAccount, Membership, Workspace
from kamp.actions.models import ActionItem, ActionStatus
from kamp.auth.policy import Permission
from kamp.coediting import access
from kamp.notifications.service import notify
from kamp.settings import Settings

OPEN = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)
MAX_ITEMS_PER_RUN = 2000


async def remind_due_soon(session: AsyncSession, *, settings: Settings) -> int:
    """Remind each owner of their open items due from today to `due_soon_days` ahead."""
    today = clock.today()
    rows = await session.execute(
        select(ActionItem, Membership.role)
        .join(
            Membership,
            (Membership.user_id == ActionItem.owner_id)
            & (Membership.workspace_id == ActionItem.workspace_id),
        )
        .where(
            ActionItem.status.in_(OPEN),
            ActionItem.due_date >= today,
            ActionItem.due_date <= today + timedelta(days=settings.due_soon_days),
        )
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(MAX_ITEMS_PER_RUN)
    )
    sent = 0
    for item, role in rows.all():
        # Never tell a customer of an internal item (an owner who changed sides, say).
        if not access.may_see(
            role, *await access.lineage(session, item), permission=Permission.ACTIONS_READ
        ):
            continue
        assert item.owner_id is not None  # joined on the owner's membership
        when = "today" if item.due_date == today else f"on {item.due_date:%A %d %B}"
        sent += len(
            await notify(
                session,
                user_ids=[item.owner_id],
                workspace_id=item.workspace_id,
                kind="action.due_soon",
                title=f"Due {when}: {item.title}"[:300],
                body=f"{item.title}\nStatus: {item.status.value.replace('_', ' ').lower()}"
                f"\n\n{item.description}".rstrip(),
                node=item,
                dedupe_key=f"action.due_soon:{item.id}:{item.due_date}",
                link=f"{settings.base_url}/w/{item.workspace_id}/actions",
            )
        )
    return sent


async def escalate_overdue(session: AsyncSession, *, settings: Settings) -> int:
    """Tell the KAM of each item still open `escalation_delay_days` after its due date."""
    cutoff = clock.today() - timedelta(days=settings.escalation_delay_days)
    rows = await session.execute(
        select(ActionItem, KeyAccount.kam_id)
        .join(Workspace, Workspace.id == ActionItem.workspace_id)
        .join(KeyAccount, KeyAccount.id == Workspace.key_account_id)
        .where(ActionItem.status.in_(OPEN), ActionItem.due_date < cutoff)
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(MAX_ITEMS_PER_RUN)
    )
    sent = 0
    for item, kam_id in rows.all():
        assert item.due_date is not None  # selected for being past it
        days = (clock.today() - item.due_date).days
        sent += len(
            await notify(
                session,
                user_ids=[kam_id],
                workspace_id=item.workspace_id,
                kind="action.overdue",
                title=f"Overdue by {days} days: {item.title}"[:300],
                body=f"{item.title} was due on {item.due_date:%A %d %B %Y} and is still "
                f"{item.status.value.replace('_', ' ').lower()}.",
                node=item,
                dedupe_key=f"action.overdue:{item.id}:{item.due_date}",
                link=f"{settings.base_url}/w/{item.workspace_id}/actions",
            )
        )
    return sent

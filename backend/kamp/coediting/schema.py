"""A workspace's recent changes, for its home page: what changed, by whom, as the viewer may
see it (a change to an element the viewer cannot load now is left out)."""

from __future__ import annotations

import strawberry

from kamp.coediting import history
from kamp.coediting.types import HistoryEntry
from kamp.graphql.context import Info
from kamp.graphql.relay import query_id, to_global_id

MAX_RECENT = 50


@strawberry.type(description="One change somewhere in a workspace.")
class RecentChange:
    entry: HistoryEntry
    node_type: str = strawberry.field(description="The changed element's type, e.g. Objective.")
    node_id: strawberry.ID = strawberry.field(description="Fetch it with `node(id:)`.")


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description=f"The workspace's latest changes, newest first (at most {MAX_RECENT})."
    )
    async def recent_changes(
        self, info: Info, workspace_id: strawberry.ID, first: int = 20
    ) -> list[RecentChange]:
        workspace = query_id(workspace_id, "Workspace", field="workspaceId")
        limit = max(1, min(first, MAX_RECENT))
        records = await history.recent_changes(
            info.context.session,
            principal=await info.context.require_principal(),
            workspace_id=workspace,
            limit=limit,
        )
        return [
            RecentChange(
                entry=HistoryEntry(row=record),
                node_type=record.node_type,
                node_id=to_global_id(record.node_type, record.node_id),
            )
            for record in records
        ]

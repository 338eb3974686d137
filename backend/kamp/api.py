"""The schema's assembly, at the top of the package: each domain contributes its Query, Mutation
and Subscription parts; the foundation (graphql/) knows none of them."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql.error import GraphQLError
from strawberry.tools import merge_types

from kamp.accounts.schema import AccountsMutation, AccountsQuery
from kamp.accounts.selection_schema import SelectionMutation, SelectionQuery
from kamp.actions.schema import ActionsMutation, ActionsQuery
from kamp.auth.federation.schema import FederationMutation, FederationQuery
from kamp.auth.oauth.schema import OAuthMutation, OAuthQuery
from kamp.coediting.schema import HistoryQuery
from kamp.errors import BadRequest
from kamp.forecasts.schema import ForecastsMutation, ForecastsQuery
from kamp.graphql.context import Info
from kamp.graphql.dates import SCALAR_OVERRIDES
from kamp.graphql.errors import KampErrors
from kamp.graphql.limits import limit_extensions
from kamp.graphql.relay import Node, resolve_nodes
from kamp.graphql.text_inputs import TextInputs
from kamp.inventory.alerts_schema import StockAlertsQuery
from kamp.inventory.replenishment_schema import ReplenishmentMutation, ReplenishmentQuery
from kamp.inventory.schema import InventoryMutation, InventoryQuery
from kamp.inventory.stock_schema import StockMutation, StockQuery
from kamp.meetings.calendar_schema import CalendarMutation, CalendarQuery
from kamp.meetings.schema import MeetingsMutation, MeetingsQuery
from kamp.meetings.series_schema import SeriesMutation
from kamp.notifications.schema import (
    NotificationsMutation,
    NotificationsQuery,
    NotificationsSubscription,
)
from kamp.pagination import MAX_PAGE_SIZE
from kamp.pipeline.schema import PipelineMutation, PipelineQuery
from kamp.plans.schema import PlansMutation, PlansQuery
from kamp.realtime.schema import RealtimeSubscription
from kamp.relationships.schema import RelationshipsMutation, RelationshipsQuery
from kamp.settings import Settings


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null if missing or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @strawberry.field(description="Objects by global ID, in order; null where missing or hidden.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise BadRequest("Ask for at most 100 IDs at once.")
        return await resolve_nodes(info, ids)


Query = merge_types(
    "Query",
    (
        NodeQuery,
        AccountsQuery,
        OAuthQuery,
        FederationQuery,
        PlansQuery,
        PipelineQuery,
        ForecastsQuery,
        RelationshipsQuery,
        SelectionQuery,
        MeetingsQuery,
        CalendarQuery,
        ActionsQuery,
        NotificationsQuery,
        StockAlertsQuery,
        InventoryQuery,
        StockQuery,
        ReplenishmentQuery,
        HistoryQuery,
    ),
)
Subscription = merge_types("Subscription", (RealtimeSubscription, NotificationsSubscription))
Mutation = merge_types(
    "Mutation",
    (
        AccountsMutation,
        OAuthMutation,
        FederationMutation,
        PlansMutation,
        PipelineMutation,
        ForecastsMutation,
        RelationshipsMutation,
        SelectionMutation,
        MeetingsMutation,
        CalendarMutation,
        SeriesMutation,
        ActionsMutation,
        NotificationsMutation,
        InventoryMutation,
        StockMutation,
        ReplenishmentMutation,
    ),
)


class KampSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Expected errors are answers, not incidents; KampErrors logs the unexpected ones."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    return KampSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[*limit_extensions(settings), TextInputs, KampErrors],
        scalar_overrides=SCALAR_OVERRIDES,
    )

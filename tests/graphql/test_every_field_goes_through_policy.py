"""Every query and mutation field of the schema goes through the policy.

On the demo (Kara is the KAM of Hollis and of Meridian), two tokens of Kara's ask for
Hollis's data: one with no permission scope at all (`openid`), and one of an app limited to
Meridian that holds every scope. Each query answers nothing for Hollis (null, an empty list or
connection, or an authorization error) while Kara's browser session sees the data, and each
mutation is refused with an authorization error and changes nothing.

Arguments are built from the schema: IDs are those of real Hollis rows (INTERNAL ones first),
other values minimal but valid. FIELDS has an entry for every field, so a new field fails
here until someone says how to call it (or why it is meant for anyone)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from graphql.pyutils import Undefined
from sqlalchemy import select

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)
from kamp import clock
from kamp.accounts.demo import DEMO_PASSWORD
from kamp.accounts.models import KeyAccount, Organization, User, Workspace
from kamp.api import build_schema
from kamp.auth.oauth.scopes import PERMISSION_SCOPES
from kamp.db import Base
from kamp.graphql.relay import parse_global_id, to_global_id
from kamp.inventory.models import (
    AssortmentItem,
    ChangeStatus,
    DemandDay,
    LineStatus,
    Order,
    OrderLine,
    OrderOrigin,
    OrderStatus,
    ParameterChange,
    PolicyMethod,
    Product,
    ProposalLine,
    ProposalStatus,
    ReplenishmentProposal,
    StockPolicy,
    StockPosition,
    UnitOfSale,
)
from kamp.models import load_all_models
from kamp.notifications import service as notices
from kamp.seed import seed_demo
from tests.auth.oauth_support import bearer_gql, exchange, get_code, make_client
from tests.support import gql, snapshot

AUTH_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}


@dataclass
class Entry:
    """How to call one field: the type of each ID argument or input field whose name does not
    say it, and values to use instead of the generic ones."""

    ids: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    # For queries: Kara's session may see nothing here either (so the control is skipped).
    control_may_be_empty: bool = False
    # Meant for anyone signed in: the reason, and the field is not checked.
    public: str = ""
    # Why the app limited to Meridian may get an answer here (which names no Hollis row).
    beyond_hollis: str = ""


def public(reason: str) -> Entry:
    return Entry(public=reason)


QUERIES: dict[str, Entry] = {
    "node": Entry(),  # checked for a row of every node type, below
    "nodes": Entry(),
    "viewer": public("who is signed in: the viewer's own profile"),
    "oauthClients": Entry(beyond_hollis="the app's own client, limited to Meridian"),
    "identityProvider": Entry(control_may_be_empty=True),  # organization admins only
    "accountPlans": Entry(),
    "opportunities": Entry(),
    "pipelineTotals": Entry(),
    "forecast": Entry(),
    "forecastEntries": Entry(),
    "salesGoals": Entry(),
    "contacts": Entry(),
    "relationships": Entry(),
    "coverageGaps": Entry(control_may_be_empty=True),
    "selectionCriteria": Entry(beyond_hollis="the supplier's criteria, not an account's"),
    "tierDefinitions": Entry(beyond_hollis="the supplier's tiers, not an account's"),
    "keyAccountSelection": Entry(),
    "meetingSeries": Entry(),
    "meetings": Entry(),
    "calendarFeed": Entry(control_may_be_empty=True),
    "actionItems": Entry(),
    "stockAlerts": Entry(control_may_be_empty=True),  # the demo raises none yet
    "notifications": Entry(),
    "unreadNotificationCount": Entry(),
    "recentChanges": Entry(),
    "products": Entry(),
    "assortment": Entry(),
    "stockPolicies": Entry(),
    "parameterChanges": Entry(),
    "stockPositions": Entry(),
    "stockBoard": Entry(),
    "locationFreshness": Entry(),
    "productStockHistory": Entry(),
    "stockScorecards": Entry(),
    "sellThrough": Entry(),
    "replenishmentProposals": Entry(),
    "orders": Entry(),
}

MUTATIONS: dict[str, Entry] = {
    "updateMyProfile": public("the viewer's own display name and time zone"),
    "createKeyAccount": Entry(),
    "updateKeyAccount": Entry(ids={"id": "KeyAccount"}),
    "updateWorkspace": Entry(ids={"id": "Workspace"}),
    "inviteMember": Entry(values={"role": "CUSTOMER_BUYER"}),
    "revokeInvitation": Entry(ids={"id": "Invitation"}),
    "updateMembership": Entry(ids={"id": "Membership"}),
    "removeMembership": Entry(ids={"id": "Membership"}),
    "createLocation": Entry(),
    "updateLocation": Entry(ids={"id": "Location"}),
    "deleteLocation": Entry(ids={"id": "Location"}),
    "registerOAuthClient": Entry(
        values={"kind": "APPLICATION", "scopes": ["plans:read"], "confidential": False}
    ),
    "rotateOAuthClientSecret": Entry(ids={"id": "OAuthClient"}),
    "revokeOAuthClient": Entry(ids={"id": "OAuthClient"}),
    "configureIdentityProvider": Entry(),
    "createAccountPlan": Entry(),
    "updateAccountPlan": Entry(ids={"id": "AccountPlan"}),
    "submitAccountPlan": Entry(ids={"id": "AccountPlan"}),
    "decideAccountPlan": Entry(ids={"id": "AccountPlan"}),
    "reviseAccountPlan": Entry(ids={"id": "AccountPlan"}),
    "createObjective": Entry(),
    "updateObjective": Entry(ids={"id": "Objective"}),
    "createMeasure": Entry(),
    "updateMeasure": Entry(ids={"id": "Measure"}),
    "createSwotEntry": Entry(),
    "updateSwotEntry": Entry(ids={"id": "SwotEntry"}),
    "createInitiative": Entry(),
    "updateInitiative": Entry(ids={"id": "Initiative"}),
    "setContingencyPlan": Entry(),
    "addPlanComment": Entry(ids={"targetId": "Objective"}),
    "deletePlanElement": Entry(ids={"id": "Objective"}),
    "createOpportunity": Entry(),
    "updateOpportunity": Entry(ids={"id": "Opportunity"}),
    "deleteOpportunity": Entry(ids={"id": "Opportunity"}),
    "setForecastEntry": Entry(),
    "setSalesGoal": Entry(),
    "createContact": Entry(),
    "updateContact": Entry(ids={"id": "Contact"}),
    "deleteContact": Entry(ids={"id": "Contact"}),
    "createRelationship": Entry(),
    "updateRelationship": Entry(ids={"id": "Relationship"}),
    "deleteRelationship": Entry(ids={"id": "Relationship"}),
    "defineSelectionCriterion": Entry(),
    "updateSelectionCriterion": Entry(ids={"id": "SelectionCriterion"}),
    "deleteSelectionCriterion": Entry(ids={"id": "SelectionCriterion"}),
    "setTierDefinitions": Entry(),
    "scoreKeyAccount": Entry(),
    "createMeetingSeries": Entry(),
    "updateMeetingSeries": Entry(ids={"id": "MeetingSeries"}),
    "createMeeting": Entry(),
    "updateMeeting": Entry(ids={"id": "Meeting"}),
    "cancelMeeting": Entry(ids={"id": "Meeting"}),
    "publishMinutes": Entry(ids={"id": "Meeting"}),
    "createAgendaItem": Entry(),
    "updateAgendaItem": Entry(ids={"id": "AgendaItem"}),
    "moveAgendaItem": Entry(ids={"id": "AgendaItem"}),
    "recordDecision": Entry(),
    "updateDecision": Entry(ids={"id": "MeetingDecision"}),
    "deleteMeetingElement": Entry(ids={"id": "AgendaItem"}),
    "createCalendarFeed": Entry(),
    "revokeCalendarFeed": Entry(),
    "scheduleSeriesMeetings": Entry(),
    "createActionItem": Entry(),
    "updateActionItem": Entry(ids={"id": "ActionItem"}),
    "deleteActionItem": Entry(ids={"id": "ActionItem"}),
    "addActionComment": Entry(),
    "markNotificationsRead": Entry(ids={"ids": "Notification"}),
    "createProduct": Entry(),
    "updateProduct": Entry(ids={"id": "Product"}),
    "addAssortmentItem": Entry(),
    "updateAssortmentItem": Entry(ids={"id": "AssortmentItem"}),
    "removeAssortmentItem": Entry(ids={"id": "AssortmentItem"}),
    "createStockPolicy": Entry(),
    "updateStockPolicy": Entry(ids={"id": "StockPolicy"}),
    "setStockPolicyOwners": Entry(ids={"id": "StockPolicy"}),
    "deactivateStockPolicy": Entry(ids={"id": "StockPolicy"}),
    "reactivateStockPolicy": Entry(ids={"id": "StockPolicy"}),
    "proposeParameterChange": Entry(),
    "acceptParameterChange": Entry(ids={"id": "ParameterChange"}),
    "refuseParameterChange": Entry(ids={"id": "ParameterChange"}),
    "withdrawParameterChange": Entry(ids={"id": "ParameterChange"}),
    "recordStockReports": Entry(),
    "decideProposal": Entry(ids={"id": "ReplenishmentProposal", "lineId": "ProposalLine"}),
    "confirmOrder": Entry(ids={"id": "Order"}),
    "shipOrder": Entry(ids={"id": "Order"}),
    "deliverOrder": Entry(ids={"id": "Order"}),
    "invoiceOrder": Entry(ids={"id": "Order"}),
    "markOrderPaid": Entry(ids={"id": "Order"}),
    "cancelOrder": Entry(ids={"id": "Order"}),
    "evaluateReplenishment": Entry(),
}

# What an ID argument or input field refers to, by its name (`<x>Id` is `X` otherwise).
ID_NAMES = {
    "planId": "AccountPlan",
    "seriesId": "MeetingSeries",
    "supplierUserId": "User",
    "criterionId": "SelectionCriterion",
    "attendeeIds": "User",
    "keyAccountIds": "KeyAccount",
    "parentId": "Location",
    "policyId": "StockPolicy",
}

# Values by field name, where a generic one would be refused as invalid input.
VALUES: dict[str, Any] = {
    "email": "new.person@example.com",
    "rrule": "FREQ=WEEKLY;BYDAY=MO",
    "timeZone": "Europe/Berlin",
    "currency": "EUR",
    "country": "DE",
    "redirectUris": ["https://reports.example.com/cb"],
    "issuer": "https://idp.example.com",
    "slug": "probe",
    "allowedDomains": ["example.com"],
    "influence": 3,
    "strength": 3,
    "position": 0,
    "durationMinutes": 30,
    "score": "3",
    "weight": "1",
}


# Objects whose figures show whether a query answered something (the stock board's).
FIGURES = ("own", "total", "points")


def _pascal(name: str) -> str:
    return name[0].upper() + name[1:]


def _id_type(name: str, entry: Entry) -> str:
    if name in entry.ids:
        return entry.ids[name]
    if name in ID_NAMES:
        return ID_NAMES[name]
    match = re.fullmatch(r"(\w+?)Ids?", name)
    assert match, f"say which type the ID {name!r} is in its entry"
    return _pascal(match.group(1))


class Rows:
    """Global IDs and versions of Hollis's rows, by GraphQL type name."""

    def __init__(self) -> None:
        self.ids: dict[str, uuid.UUID] = {}
        self.versions: dict[str, int] = {}
        # The types whose row is Hollis's own (not the supplier's, like its criteria).
        self.hollis: set[str] = set()

    def gid(self, type_name: str) -> str:
        assert type_name in self.ids, f"no Hollis row of type {type_name}"
        return to_global_id(type_name, self.ids[type_name])


def _value(name: str, gtype: Any, entry: Entry, rows: Rows, id_type: str | None, today: Any) -> Any:
    if isinstance(gtype, GraphQLNonNull):
        return _value(name, gtype.of_type, entry, rows, id_type, today)
    if name in entry.values:
        return entry.values[name]
    if isinstance(gtype, GraphQLList):
        if name in VALUES:
            return VALUES[name]
        return [_value(name, gtype.of_type, entry, rows, id_type, today)]
    if isinstance(gtype, GraphQLInputObjectType):
        return _input(gtype, entry, rows, id_type, today)
    if isinstance(gtype, GraphQLEnumType):
        return next(iter(gtype.values))
    if name in VALUES:
        return VALUES[name]
    scalar = gtype.name
    if scalar == "ID":
        return rows.gid(id_type if name == "id" and id_type else _id_type(name, entry))
    if name == "version":
        return rows.versions[id_type or ""]
    if name == "year":
        return today.year
    return {
        "String": "Probe",
        "Int": 1,
        "Boolean": True,
        "Decimal": "1",
        "Date": (today + timedelta(days=7)).isoformat(),
        "DateTime": (clock.now() + timedelta(days=7)).isoformat(),
        "Time": "09:00:00",
    }[scalar]


def _input(gtype: GraphQLInputObjectType, entry: Entry, rows: Rows, id_type, today) -> dict:
    """The required fields, and one optional text field of an update (so it changes)."""
    value: dict[str, Any] = {}
    for name, input_field in gtype.fields.items():
        required = is_non_null_type(input_field.type) and input_field.default_value is Undefined
        if required or name in entry.values or name in entry.ids:
            value[name] = _value(name, input_field.type, entry, rows, id_type, today)
    if "id" in value and "version" in value:
        for name, input_field in gtype.fields.items():
            named = get_named_type(input_field.type)
            if name not in value and named.name == "String" and name in ("title", "name", "text"):
                value[name] = "Changed by a probe"
                break
    return value


def _selection(gtype: Any, depth: int = 0) -> str:
    named = get_named_type(gtype)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return "{ __typename ... on Node { id } }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, sub in named.fields.items():
        if any(
            is_non_null_type(a.type) and a.default_value is Undefined for a in sub.args.values()
        ):
            continue
        sub_named = get_named_type(sub.type)
        if is_leaf_type(sub_named):
            parts.append(name)
        elif depth < 1 and name in ("nodes", "errors", "months", "criteria", "scores", *FIGURES):
            parts.append(f"{name} {_selection(sub.type, depth + 1)}")
        elif depth < 1:
            parts.append(f"{name} {{ __typename }}")
    return "{ " + " ".join(parts) + " }"


def _arg_literal(args: dict[str, Any], types: dict[str, Any]) -> tuple[str, str]:
    if not args:
        return "", ""
    declared = ", ".join(f"${n}: {types[n]}" for n in args)
    passed = ", ".join(f"{n}: ${n}" for n in args)
    return f"({declared})", f"({passed})"


def _operation(kind: str, name: str, gfield: Any, args: dict[str, Any]) -> str:
    types = {n: str(a.type) for n, a in gfield.args.items()}
    declared, passed = _arg_literal(args, types)
    return f"{kind} Probe{declared} {{ {name}{passed} {_selection(gfield.type)} }}"


def _empty(value: Any) -> bool:
    if value is None or value == 0:
        return True
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    if isinstance(value, dict):
        meaningful = {k: v for k, v in value.items() if k not in ("__typename", "pageInfo")}
        return all(_empty(v) for v in meaningful.values())
    return False


def _auth_refusal(result: dict[str, Any], name: str) -> bool:
    codes = {e.get("extensions", {}).get("code") for e in result.get("errors", [])}
    if codes:
        return codes <= AUTH_CODES
    payload = (result.get("data") or {}).get(name) or {}
    errors = {e["code"] for e in payload.get("errors", [])}
    others = {k: v for k, v in payload.items() if k not in ("errors", "__typename")}
    return bool(errors) and errors <= AUTH_CODES and _empty(others)


async def _hollis(runtime) -> tuple[Rows, uuid.UUID, uuid.UUID, User]:
    load_all_models()
    rows = Rows()
    async with runtime.session_factory() as session:
        kara = await session.scalar(select(User).where(User.email.like("kara.%")))
        accounts = list(await session.scalars(select(KeyAccount).order_by(KeyAccount.created_at)))
        hollis = next(a for a in accounts if "Hollis" in a.name)
        meridian = next(a for a in accounts if "Meridian" in a.name)
        workspace = await session.scalar(
            select(Workspace).where(Workspace.key_account_id == hollis.id)
        )
        assert kara and workspace and hollis.kam_id == meridian.kam_id == kara.id
        for mapper in Base.registry.mappers:
            model, table = mapper.class_, mapper.local_table
            if "id" not in table.c:
                continue  # keyed by what it is about (a position, a day's demand): no node
            stmt = select(model)
            own = True
            if model is Workspace:
                stmt = stmt.where(table.c.id == workspace.id)
            elif model is KeyAccount:
                stmt = stmt.where(table.c.id == hollis.id)
            elif model is User or model is Organization:
                # Hollis's own people and company, not Kara (the viewer) or her supplier.
                column = table.c.organization_id if model is User else table.c.id
                stmt = stmt.where(column == hollis.customer_id)
            elif "workspace_id" in table.c:
                stmt = stmt.where(table.c.workspace_id == workspace.id)
            elif "key_account_id" in table.c:
                stmt = stmt.where(table.c.key_account_id == hollis.id)
            else:
                own = False
            if "user_id" in table.c and "workspace_id" in table.c:
                # Kara's own row (her notice, her membership), not another person's.
                stmt = stmt.order_by((table.c.user_id == kara.id).desc())
            if "visibility" in table.c:
                stmt = stmt.order_by((table.c.visibility == "INTERNAL").desc())
            row = await session.scalar(stmt.order_by(table.c.id).limit(1))
            if row is not None:
                rows.ids[model.__name__] = row.id
                rows.versions[model.__name__] = getattr(row, "version", 0)
                if own:
                    rows.hollis.add(model.__name__)
    return rows, hollis.id, meridian.id, kara


async def _token(runtime, clients, http, kara: User, scope: str, owner: User, limit=()) -> str:
    app = await make_client(runtime, owner, scopes=tuple(scope.split()), key_account_ids=limit)
    browser = await clients.as_user(kara.email, DEMO_PASSWORD)
    code, verifier = await get_code(browser, app, scope=scope)
    response = await exchange(http, app, code, verifier)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def test_every_field_goes_through_the_policy(runtime, clients, client):
    schema = build_schema(runtime.settings)._schema
    query_type, mutation_type = schema.query_type, schema.mutation_type
    assert query_type and mutation_type
    # Every field has its entry: a new one is checked from the day it is added.
    assert set(query_type.fields) == set(QUERIES)
    assert set(mutation_type.fields) == set(MUTATIONS)

    assert await seed_demo(runtime.settings)
    rows, hollis, meridian, kara = await _hollis(runtime)
    today = clock.now().date()
    session = await clients.as_user(kara.email, DEMO_PASSWORD)
    # Rows the demo does not have: Kara's notice, client and an invitation in Hollis.
    async with runtime.session_factory() as db:
        admin = await db.scalar(select(User).where(User.is_org_admin.is_(True)))
        [notice] = await notices.notify(
            db,
            user_ids=[kara.id],
            workspace_id=rows.ids["Workspace"],
            kind="action.assigned",
            title="Hollis work",
            email=False,
        )
        rows.ids["Notification"] = notice.id
        await _inventory(db, rows, hollis)
        await db.commit()
    assert admin is not None
    registered = await make_client(runtime, kara, scopes=("plans:read",), key_account_ids=(hollis,))
    rows.ids["OAuthClient"] = registered.pk
    rows.hollis.add("OAuthClient")
    invited = await gql(
        session,
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) {"
        " invitation { id } errors { code } } }",
        {
            "input": {
                "workspaceId": rows.gid("Workspace"),
                "email": "invitee@example.com",
                "role": "CUSTOMER_BUYER",
            }
        },
    )
    invitation = invited["data"]["inviteMember"]["invitation"]["id"]
    rows.ids["Invitation"] = uuid.UUID(_decode(invitation))

    every_scope = " ".join(["openid", *PERMISSION_SCOPES])
    principals = {
        "no scopes": await _token(runtime, clients, client, kara, "openid", admin),
        "limited to Meridian": await _token(
            runtime, clients, client, kara, every_scope, kara, (meridian,)
        ),
    }
    failures: list[str] = []

    # Queries: Kara's session sees Hollis's data; neither token does.
    for name, gfield in query_type.fields.items():
        entry = QUERIES[name]
        if entry.public:
            continue
        calls: list[dict[str, Any]] = []
        if name == "node":
            calls = [{"id": rows.gid(t)} for t in sorted(rows.ids) if _is_node(schema, t)]
        elif name == "nodes":
            calls = [{"ids": [rows.gid(t) for t in sorted(rows.ids) if _is_node(schema, t)]}]
        else:
            args = {}
            for arg_name, arg in gfield.args.items():
                if is_non_null_type(arg.type) and arg.default_value is Undefined:
                    args[arg_name] = _value(arg_name, arg.type, entry, rows, None, today)
            calls = [args]
        for args in calls:
            document = _operation("query", name, gfield, args)
            seen = await gql(session, document, args)
            if not entry.control_may_be_empty and (
                seen.get("errors") or _empty(seen["data"][name])
            ):
                failures.append(f"control: Kara's session sees nothing in {name}{args}: {seen}")
            for who, token in principals.items():
                result = await bearer_gql(client, token, document, args)
                codes = {e.get("extensions", {}).get("code") for e in result.get("errors", [])}
                hidden = codes <= AUTH_CODES if codes else _empty(result["data"][name])
                if who == "limited to Meridian" and entry.beyond_hollis and not codes:
                    hidden = True
                if any(rows.gid(t) in json.dumps(result) for t in rows.hollis):
                    hidden = False
                if not hidden:
                    failures.append(f"{who}: {name}{args} answers {result}")

    # Mutations: refused with an authorization error, and nothing changes.
    for name, gfield in mutation_type.fields.items():
        entry = MUTATIONS[name]
        if entry.public:
            continue
        args = {}
        for arg_name, arg in gfield.args.items():
            id_type = entry.ids.get("id")
            args[arg_name] = _value(arg_name, arg.type, entry, rows, id_type, today)
        document = _operation("mutation", name, gfield, args)
        for who, token in principals.items():
            before = await snapshot(runtime.session_factory)
            result = await bearer_gql(client, token, document, args)
            if not _auth_refusal(result, name):
                failures.append(f"{who}: {name}{args} answers {result}")
            if await snapshot(runtime.session_factory) != before:
                failures.append(f"{who}: {name} changed the database")
    assert not failures, "\n".join(failures)


async def _inventory(db: Any, rows: Rows, hollis: uuid.UUID) -> None:
    """Hollis's own probe inventory, beside the demo's: a product of its assortment, a policy
    at one of its locations (policies are always shared), a change proposed to it, the
    product's stock there (its position and yesterday's sales), a proposal with a line
    waiting for the customer, and an order placed with its line."""
    account = await db.get(KeyAccount, hollis)
    made = Product(
        supplier_id=account.supplier_id,
        sku="PROBE-1",
        name="Probe",
        unit_of_sale=UnitOfSale.PIECE,
    )
    db.add(made)
    await db.flush()
    workspace = rows.ids["Workspace"]
    item = AssortmentItem(workspace_id=workspace, product_id=made.id, cost=Decimal("1.5"))
    policy = StockPolicy(
        workspace_id=workspace,
        location_id=rows.ids["Location"],
        product_id=made.id,
        method=PolicyMethod.REORDER_POINT,
        owners={},
    )
    db.add_all([item, policy])
    await db.flush()
    change = ParameterChange(
        workspace_id=workspace,
        policy_id=policy.id,
        field="min_qty",
        proposed_value="5",
        status=ChangeStatus.PROPOSED,
    )
    db.add(change)
    yesterday = clock.now() - timedelta(days=1)
    db.add(
        StockPosition(
            location_id=policy.location_id,
            product_id=made.id,
            workspace_id=workspace,
            report_id=uuid.uuid4(),
            as_of=yesterday,
            on_hand=5,
            demand_mean=1.0,
            demand_days=1,
            updated_at=yesterday,
        )
    )
    db.add(
        DemandDay(
            location_id=policy.location_id,
            product_id=made.id,
            day=yesterday.date(),
            workspace_id=workspace,
            quantity=1.0,
        )
    )
    proposal = ReplenishmentProposal(
        workspace_id=workspace,
        location_id=rows.ids["Location"],
        run_key="probe",
        status=ProposalStatus.OPEN,
    )
    db.add(proposal)
    await db.flush()
    line = ProposalLine(
        workspace_id=workspace,
        proposal_id=proposal.id,
        policy_id=policy.id,
        product_id=made.id,
        basis=uuid.uuid4(),
        quantity=12,
        explanation={"method": "REORDER_POINT", "inputs": {}, "steps": [], "quantity": 12},
        status=LineStatus.PROPOSED,
    )
    order = Order(
        workspace_id=workspace,
        location_id=rows.ids["Location"],
        origin=OrderOrigin.AUTO,
        number="PO-PROBE",
        status=OrderStatus.PLACED,
        placed_at=clock.now(),
    )
    db.add_all([line, order])
    await db.flush()
    order_line = OrderLine(
        workspace_id=workspace, order_id=order.id, product_id=made.id, quantity=6
    )
    db.add(order_line)
    await db.flush()
    for row in (made, item, policy, change, proposal, line, order, order_line):
        name = type(row).__name__
        rows.ids[name], rows.versions[name] = row.id, row.version
        rows.hollis.add(name)


def _is_node(schema: Any, type_name: str) -> bool:
    gtype = schema.type_map.get(type_name)
    return isinstance(gtype, GraphQLObjectType) and any(i.name == "Node" for i in gtype.interfaces)


def _decode(global_id: str) -> str:
    return str(parse_global_id(global_id)[1])

"""The declared mutation: IDs decoded before any SQL (a bad one names its input field), every
other input field passed by name, a left-out field left out of the call, renames, hooks, and
a refused mutation changing nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import strawberry

from kamp.accounts.models import Role
from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.graphql.errors import UserErrorType
from kamp.graphql.mutations import service_mutation
from kamp.graphql.relay import to_global_id
from tests.support import gid, gql, snapshot

KEEP = "keep"  # what the use case does with a field left out


@dataclass
class Thing:
    id: uuid.UUID
    name: str


@strawberry.type
class ThingNode:
    id: strawberry.ID
    name: str

    @classmethod
    def of(cls, row: Thing) -> ThingNode:
        return cls(id=to_global_id("Thing", row.id), name=row.name)


@strawberry.input
class EditThingInput:
    id: strawberry.ID
    version: int
    name: str | None = None
    owner_id: strawberry.ID | None = None
    tag_ids: list[strawberry.ID] | None = None
    parent_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET)


@strawberry.input
class ThingIdInput:
    id: strawberry.ID


@strawberry.type
class ThingPayload:
    thing: ThingNode | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteThingPayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserErrorType] = strawberry.field(default_factory=list)


calls: list[dict[str, Any]] = []
refusals: list[Exception] = []
THING = Thing(uuid.uuid4(), "current")


async def edit_thing(
    session: Any,
    *,
    principal: Any,
    thing_id: uuid.UUID,
    version: int,
    name: str | None = None,
    owner_id: uuid.UUID | None = None,
    tag_ids: list[uuid.UUID] | None = None,
    parent_id: uuid.UUID | str | None = KEEP,
    stamp: str = "",
) -> Thing:
    calls.append(
        {
            "session": session,
            "principal": principal,
            "thing_id": thing_id,
            "version": version,
            "name": name,
            "owner_id": owner_id,
            "tag_ids": tag_ids,
            "parent_id": parent_id,
            "stamp": stamp,
        }
    )
    if refusals:
        raise refusals.pop()
    return Thing(thing_id, name or "unnamed")


async def delete_thing(session: Any, *, principal: Any, thing_id: uuid.UUID) -> None:
    calls.append({"thing_id": thing_id})


@strawberry.type
class Query:
    ok: bool = True


@strawberry.type
class Mutation:
    edit_thing = service_mutation(
        edit_thing,
        description="Edit a thing.",
        input=EditThingInput,
        payload=ThingPayload,
        field="thing",
        node=ThingNode.of,
        ids={"id": "Thing", "owner_id": "User", "tag_ids": "Tag", "parent_id": "Thing"},
        rename={"id": "thing_id"},
        extra=lambda info, input: {"stamp": f"{info.context.stamp}:{input.version}"},
    )
    delete_thing = service_mutation(
        delete_thing,
        input=ThingIdInput,
        payload=DeleteThingPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Thing"},
        rename={"id": "thing_id"},
    )


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)

EDIT = """mutation($input: EditThingInput!) {
  editThing(input: $input) { thing { id name } errors { field message code } } }"""


@dataclass
class StubContext:
    """Records whether the mutation reached the database (the session or the principal)."""

    stamp: str = "ctx"
    rollback_only: bool = False
    touched: list[str] = field(default_factory=list)

    @property
    def session(self) -> str:
        self.touched.append("session")
        return "session"

    async def require_principal(self) -> str:
        self.touched.append("principal")
        return "principal"


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    refusals.clear()


async def _run(query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], StubContext]:
    context = StubContext()
    result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data, context


def _id(type_name: str, row_id: uuid.UUID | None = None) -> str:
    return to_global_id(type_name, row_id or uuid.uuid4())


async def test_fields_pass_by_name_ids_decoded_and_renamed():
    thing, owner, tags = uuid.uuid4(), uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    variables = {
        "input": {
            "id": _id("Thing", thing),
            "version": 3,
            "name": "renamed",
            "ownerId": _id("User", owner),
            "tagIds": [_id("Tag", t) for t in tags],
        }
    }
    data, context = await _run(EDIT, variables)
    assert data["editThing"] == {
        "thing": {"id": _id("Thing", thing), "name": "renamed"},
        "errors": [],
    }
    assert calls == [
        {
            "session": "session",
            "principal": "principal",
            "thing_id": thing,
            "version": 3,
            "name": "renamed",
            "owner_id": owner,
            "tag_ids": tags,
            "parent_id": KEEP,
            "stamp": "ctx:3",
        }
    ]
    assert not context.rollback_only


@pytest.mark.parametrize(
    ("given", "received"),
    [
        ({}, KEEP),  # left out: not passed, the use case keeps the value
        ({"parentId": None}, None),  # null: cleared
    ],
    ids=["unset", "null"],
)
async def test_left_out_is_not_null(given, received):
    await _run(EDIT, {"input": {"id": _id("Thing"), "version": 1, **given}})
    assert calls[0]["parent_id"] == received
    # Optional fields with an ordinary default arrive as that default.
    assert calls[0]["owner_id"] is None
    assert calls[0]["tag_ids"] is None


async def test_given_optional_id_is_decoded():
    parent = uuid.uuid4()
    await _run(
        EDIT, {"input": {"id": _id("Thing"), "version": 1, "parentId": _id("Thing", parent)}}
    )
    assert calls[0]["parent_id"] == parent


@pytest.mark.parametrize(
    ("given", "field_name", "message"),
    [
        ({"id": _id("User")}, "id", "Expected the ID of a Thing."),
        ({"ownerId": _id("Thing")}, "ownerId", "Expected the ID of a User."),
        ({"ownerId": "not-an-id!"}, "ownerId", "This is not a valid ID."),
        ({"tagIds": [_id("Tag"), _id("User")]}, "tagIds", "Expected the ID of a Tag."),
        ({"parentId": _id("User")}, "parentId", "Expected the ID of a Thing."),
    ],
    ids=["id", "owner-type", "owner-malformed", "list-item", "unset-able"],
)
async def test_bad_ids_name_their_field_before_anything_runs(given, field_name, message):
    data, context = await _run(EDIT, {"input": {"id": _id("Thing"), "version": 1, **given}})
    assert data["editThing"] == {
        "thing": None,
        "errors": [{"field": field_name, "message": message, "code": "INVALID"}],
    }
    assert calls == []
    assert context.touched == []
    assert context.rollback_only


async def test_ids_are_checked_in_the_inputs_order():
    given = {"id": _id("User"), "version": 1, "ownerId": "garbage"}
    data, _ = await _run(EDIT, {"input": given})
    assert [e["field"] for e in data["editThing"]["errors"]] == ["id"]


async def test_refusals_of_the_use_case_roll_back():
    refusals.append(UserError("name", "Too long.", ErrorCode.INVALID))
    data, context = await _run(EDIT, {"input": {"id": _id("Thing"), "version": 1}})
    assert data["editThing"] == {
        "thing": None,
        "errors": [{"field": "name", "message": "Too long.", "code": "INVALID"}],
    }
    assert context.rollback_only


async def test_conflict_carries_the_current_node():
    refusals.append(Conflict(THING))
    data, context = await _run(EDIT, {"input": {"id": _id("Thing"), "version": 1}})
    assert data["editThing"]["thing"] == {"id": _id("Thing", THING.id), "name": "current"}
    assert [(e["field"], e["code"]) for e in data["editThing"]["errors"]] == [
        ("version", "CONFLICT")
    ]
    assert context.rollback_only


async def test_not_found_is_a_user_error_on_id():
    refusals.append(NotFound())
    data, context = await _run(EDIT, {"input": {"id": _id("Thing"), "version": 1}})
    assert data["editThing"] == {
        "thing": None,
        "errors": [{"field": "id", "message": "Not found.", "code": "NOT_FOUND"}],
    }
    assert context.rollback_only


async def test_a_deletion_echoes_the_input_id():
    thing = uuid.uuid4()
    query = """mutation($input: ThingIdInput!) {
      deleteThing(input: $input) { deletedId errors { field } } }"""
    data, _ = await _run(query, {"input": {"id": _id("Thing", thing)}})
    assert data["deleteThing"] == {"deletedId": _id("Thing", thing), "errors": []}
    assert calls == [{"thing_id": thing}]


def test_the_schema_shows_one_input_and_the_payload():
    sdl = SCHEMA.as_str()
    assert '"""Edit a thing."""\n  editThing(input: EditThingInput!): ThingPayload!' in sdl
    assert "deleteThing(input: ThingIdInput!): DeleteThingPayload!" in sdl


def _declare(**overrides: Any) -> Any:
    declaration: dict[str, Any] = {
        "input": EditThingInput,
        "payload": ThingPayload,
        "field": "thing",
        "node": ThingNode.of,
        "ids": {"id": "Thing", "owner_id": "User", "tag_ids": "Tag", "parent_id": "Thing"},
        "rename": {"id": "thing_id"},
    }
    return service_mutation(edit_thing, **{**declaration, **overrides})


def test_a_valid_declaration_is_accepted():
    _declare()


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"ids": {"id": "Thing", "owner": "User"}}, "has no field 'owner'"),
        ({"rename": {"ident": "thing_id"}}, "has no field 'ident'"),
        ({"ids": {"id": "Thing", "tag_ids": "Tag", "parent_id": "Thing"}}, "'owner_id' in `ids`"),
        ({"rename": {}}, "takes no 'id'"),
        ({"rename": {"id": "thing_id", "name": "title"}}, "takes no 'title'"),
    ],
    ids=["unknown-id-field", "unknown-renamed-field", "undeclared-id", "no-param", "bad-rename"],
)
def test_a_declaration_that_cannot_work_is_refused_at_import(overrides, needle):
    with pytest.raises(TypeError, match=needle):
        _declare(**overrides)


def test_a_field_that_may_be_left_out_needs_a_default():
    async def open_ended(
        session: Any, *, principal: Any, thing_id: uuid.UUID, **_: Any
    ) -> None: ...

    async def no_default(
        session: Any,
        *,
        principal: Any,
        thing_id: uuid.UUID,
        version: int,
        name: str | None,
        owner_id: uuid.UUID | None,
        tag_ids: list[uuid.UUID] | None,
        parent_id: uuid.UUID | None,
    ) -> None: ...

    with pytest.raises(TypeError, match="'parent_id' may be left out but has no default"):
        service_mutation(
            no_default,
            input=EditThingInput,
            payload=ThingPayload,
            field="thing",
            node=ThingNode.of,
            ids={"id": "Thing", "owner_id": "User", "tag_ids": "Tag", "parent_id": "Thing"},
            rename={"id": "thing_id"},
        )
    # A use case taking **kwargs accepts whatever it is given.
    service_mutation(
        open_ended,
        input=ThingIdInput,
        payload=DeleteThingPayload,
        field="deleted_id",
        node=None,
        ids={"id": "Thing"},
        rename={"id": "thing_id"},
    )


# --- the real app -----------------------------------------------------------------------------

TWO_MUTATIONS = """mutation($create: CreateLocationInput!, $update: UpdateLocationInput!,
                            $gone: DeleteLocationInput!) {
  created: createLocation(input: $create) { location { name } errors { field code } }
  stale: updateLocation(input: $update) { location { id name version } errors { field code } }
  gone: deleteLocation(input: $gone) { deletedId errors { field code } }
}"""


async def test_a_refused_mutation_changes_nothing_in_its_request(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    hq = world.a.hq
    result = await gql(
        http,
        TWO_MUTATIONS,
        {
            "create": {
                "workspaceId": world.a.workspace_gid,
                "kind": "DISTRICT",
                "name": "New district",
                "parentId": gid("Location", world.a.region.id),
            },
            "update": {"id": gid("Location", hq.id), "version": hq.version + 7, "name": "x"},
            "gone": {"id": gid("Location", uuid.uuid4())},
        },
    )
    data = result["data"]
    assert data["created"] == {"location": {"name": "New district"}, "errors": []}
    # A stale version: the current location comes back with the conflict.
    assert data["stale"] == {
        "location": {"id": gid("Location", hq.id), "name": hq.name, "version": hq.version},
        "errors": [{"field": "version", "code": "CONFLICT"}],
    }
    assert data["gone"] == {"deletedId": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]}
    # The whole request rolled back: not even the district created before the refusals is there.
    assert await snapshot(runtime.session_factory) == before

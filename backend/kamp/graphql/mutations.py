"""How a mutation runs: one `input`, a payload with the object and `errors`.

Most mutations are a declaration, not a body:

    create_objective = service_mutation(
        objectives.create_objective,
        input=CreateObjectiveInput,
        payload=ObjectivePayload,
        field="objective",
        node=ObjectiveNode.of,
        ids={"plan_id": "AccountPlan", "owner_id": "User"},
    )

Every input field is passed to the use case by its Python name (`rename` where the use case
calls it otherwise); the global IDs named in `ids` are decoded and type-checked first, before
anything touches the database, a bad one being a user error on that input field. A field left
out of the input (strawberry.UNSET) is left out of the call, so the use case's own default
applies: "left out" and null stay distinct. `extra(info, input)` adds or replaces arguments
that are not plain input fields (settings, a polymorphic ID).

The declaration is checked when the module is imported: the names it gives must be fields of
the input, every ID field must be declared, and the use case must accept what it is passed.
Mutations whose payload is not "one field wrapping the result" keep a body that calls
`mutate`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import StrawberryContainer, get_object_definition
from strawberry.utils.str_converters import to_camel_case

from kamp.errors import Conflict, ErrorCode, NotFound, UserError
from kamp.graphql.context import Info
from kamp.graphql.errors import UserErrorType
from kamp.graphql.relay import decode_id

P = TypeVar("P")
InputT = TypeVar("InputT")


async def mutate(
    info: Info,
    run: Callable[[], Awaitable[P]],
    *,
    payload: Callable[..., P],
    field: str,
    node: Callable[[Any], Any],
) -> P:
    """Run one mutation; user errors (and a missing target) come back in `payload(errors=...)`
    and mark the request to roll back, so a refused mutation changes nothing. A conflict
    carries the current object in `field`."""
    try:
        return await run()
    except Conflict as error:
        info.context.rollback_only = True
        current = node(error.current) if error.current is not None else None
        return payload(errors=[UserErrorType.from_error(error)], **{field: current})
    except UserError as error:
        info.context.rollback_only = True
        return payload(errors=[UserErrorType.from_error(error)])
    except NotFound as error:
        info.context.rollback_only = True
        return payload(
            errors=[UserErrorType(field="id", message=str(error), code=ErrorCode.NOT_FOUND)]
        )


@dataclass(frozen=True)
class _Argument:
    """One input field as the use case receives it."""

    name: str  # the input's Python name
    parameter: str  # the use case's keyword
    label: str  # the input's GraphQL name, which a user error names
    id_type: str | None  # the node type of a global ID (or of a list of them)


def service_mutation(
    use_case: Callable[..., Awaitable[Any]],
    *,
    input: type[InputT],
    payload: type[P],
    field: str,
    node: Callable[[Any], Any] | None,
    ids: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    extra: Callable[[Info, InputT], Mapping[str, Any]] | None = None,
    name: str | None = None,
    description: str | None = None,
) -> P:
    """A mutation field that calls `use_case(session, principal=..., **arguments)` and returns
    `payload(**{field: node(result)})`.

    `ids` maps input fields to the node type their global IDs must name; `rename` maps input
    fields to the use case's parameter names where they differ. `node=None` is for deletions:
    the use case returns nothing and `field` gets the input's own `id`."""
    arguments = _arguments(use_case, input, ids or {}, rename or {}, checked=extra is None)

    async def resolve(info: Info, input: Any) -> Any:
        async def run() -> Any:
            kwargs = _decode(arguments, input)
            if extra is not None:
                kwargs.update(extra(info, input))
            result = await use_case(
                info.context.session,
                principal=await info.context.require_principal(),
                **kwargs,
            )
            return payload(**{field: node(result) if node is not None else input.id})

        return await mutate(info, run, payload=payload, field=field, node=node or _nothing)

    resolve.__annotations__ = {"info": Info, "input": input, "return": payload}
    # Typed as the payload, the way strawberry types the fields it makes.
    result: P = strawberry.mutation(resolver=resolve, name=name, description=description)
    return result


def _nothing(_: Any) -> None:
    return None


def _decode(arguments: tuple[_Argument, ...], input: Any) -> dict[str, Any]:
    """The use case's keyword arguments; IDs decoded in the input's order, None kept None."""
    kwargs: dict[str, Any] = {}
    for argument in arguments:
        value = getattr(input, argument.name)
        if value is strawberry.UNSET:
            continue
        if argument.id_type is not None and value is not None:
            if isinstance(value, list):
                value = [decode_id(v, argument.id_type, field=argument.label) for v in value]
            else:
                value = decode_id(value, argument.id_type, field=argument.label)
        kwargs[argument.parameter] = value
    return kwargs


def _arguments(
    use_case: Callable[..., Any],
    input_type: type,
    ids: Mapping[str, str],
    rename: Mapping[str, str],
    *,
    checked: bool,
) -> tuple[_Argument, ...]:
    """How each input field reaches the use case; refuses a declaration that cannot work.
    With an `extra` hook (`checked=False`) an ID field may be left to the hook."""
    where = f"the mutation of {use_case.__module__}.{use_case.__qualname__}"
    fields = get_object_definition(input_type, strict=True).fields
    names = {f.python_name for f in fields}
    for key in [*ids, *rename]:
        if key not in names:
            raise TypeError(f"{where}: {input_type.__name__} has no field {key!r}")
    parameters = inspect.signature(use_case).parameters
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    arguments = []
    for f in fields:
        parameter = rename.get(f.python_name, f.python_name)
        if checked and f.python_name not in ids and _is_id(f.type):
            raise TypeError(f"{where}: declare the ID field {f.python_name!r} in `ids`")
        if not open_ended:
            accepted = parameters.get(parameter)
            if accepted is None:
                raise TypeError(f"{where}: the use case takes no {parameter!r}")
            if f.default is strawberry.UNSET and accepted.default is inspect.Parameter.empty:
                raise TypeError(f"{where}: {parameter!r} may be left out but has no default")
        arguments.append(
            _Argument(
                name=f.python_name,
                parameter=parameter,
                label=f.graphql_name or to_camel_case(f.python_name),
                id_type=ids.get(f.python_name),
            )
        )
    return tuple(arguments)


def _is_id(type_: Any) -> bool:
    while isinstance(type_, StrawberryContainer):
        type_ = type_.of_type
    return type_ is strawberry.ID

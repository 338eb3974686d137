"""Limits checked before execution: a query that is too deep, too wide, too long or too costly
is refused during parsing or validation, before any resolver (or SQL) runs. A request carries
one operation: batching is off, so a JSON array body is refused outright.

The document's tokens are capped while parsing (MaxTokensLimiter). Then one pass, linear in
the document's size, measures every operation before graphql-core's own validation runs:

- each fragment definition is measured once, in dependency order, and a spread reuses its
  measure, so fragments that spread the next one twice cost a walk of their text, not of the
  2**n fields they expand to (the expanded numbers are still what the limits compare);
- depth counts nested fields as strawberry's QueryDepthLimiter did (introspection excluded),
  aliases count every alias as often as it would be executed;
- the cost: every field costs 1 and a connection multiplies what it selects by its page size:
  `first` (a literal or a variable) or the default page size; a `first` outside the range that
  `PageArgs.parse` accepts is refused here, before any SQL;
- names longer than `max_name_length` and string literals longer than `max_string_literal`
  are refused without being echoed back;
- introspection of the schema (`__schema`, `__type`) needs a signed-in principal outside
  development (the web app's types come from schema.graphql, not from introspection)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from strawberry.extensions import MaxTokensLimiter, SchemaExtension

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TokenKind,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from kamp.errors import KampError
from kamp.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from kamp.settings import Settings

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
# Selection sets nested deeper than this (inline fragments add nesting but no depth) are
# refused as too deep; it also bounds the recursion of the walk.
MAX_NESTING = 64
_TEXT_TOKENS = frozenset({TokenKind.STRING, TokenKind.BLOCK_STRING})
_NAME_TOKENS = frozenset({TokenKind.NAME, TokenKind.INT, TokenKind.FLOAT})
# Expanded counts saturate here: past any limit, and small enough that adding them stays cheap
# (fragment fan-out would otherwise make numbers of thousands of bits).
CEILING = 10**15


def _sum(a: int, b: int) -> int:
    return min(a + b, CEILING)


@dataclass(frozen=True, slots=True)
class Measure:
    """Of a selection set, with every fragment spread expanded."""

    depth: int = 0  # levels of nested fields below this selection set's own fields
    aliases: int = 0
    fields: int = 0
    cost: int = 0
    introspection: bool = False

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            depth=max(self.depth, other.depth),
            aliases=_sum(self.aliases, other.aliases),
            fields=_sum(self.fields, other.fields),
            cost=_sum(self.cost, other.cost),
            introspection=self.introspection or other.introspection,
        )


@dataclass
class Report:
    """The measures of a document's operations (the largest of each), and how much work
    measuring took: `visits` counts the selections walked."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0
    introspection: bool = False
    visits: int = 0
    too_deep: list[str] = field(default_factory=list)  # names of operations over max_depth
    errors: list[GraphQLError] = field(default_factory=list)  # bad page sizes


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        max_depth: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.max_depth = max_depth
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        self.operations: list[OperationDefinitionNode] = []
        self.defaults: dict[str, Any] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments[definition.name.value] = definition
            elif isinstance(definition, OperationDefinitionNode):
                self.operations.append(definition)
                for variable in definition.variable_definitions or ():
                    if isinstance(variable.default_value, IntValueNode):
                        self.defaults[variable.variable.name.value] = variable.default_value
        self.measured: dict[str, Measure] = {}
        self.visits = 0
        self.errors: list[GraphQLError] = []

    # -- fragments, each once, dependencies first -------------------------------------------

    def _spreads(self, selection_set: SelectionSetNode) -> list[str]:
        names: list[str] = []
        stack = [selection_set]
        while stack:
            for selection in stack.pop().selections:
                self.visits += 1
                if isinstance(selection, FragmentSpreadNode):
                    names.append(selection.name.value)
                elif isinstance(selection, FieldNode | InlineFragmentNode) and (
                    selection.selection_set is not None
                ):
                    stack.append(selection.selection_set)
        return names

    def measure_fragments(self) -> None:
        """Post-order over the fragment graph without recursion; a fragment in a cycle is
        measured as empty where it closes the cycle (graphql-core reports the cycle)."""
        needs = {name: self._spreads(f.selection_set) for name, f in self.fragments.items()}
        started: set[str] = set()
        for root in self.fragments:
            if root in started:
                continue
            started.add(root)
            stack = [(root, iter(needs[root]))]
            while stack:
                name, pending = stack[-1]
                for need in pending:
                    if need in self.fragments and need not in started:
                        started.add(need)
                        stack.append((need, iter(needs[need])))
                        break
                else:
                    stack.pop()
                    fragment = self.fragments[name]
                    parent = self.schema.get_type(fragment.type_condition.name.value)
                    self.measured[name] = self.selection_set(fragment.selection_set, parent, 0, 0)

    # -- selection sets ---------------------------------------------------------------------

    def selection_set(
        self, selection_set: SelectionSetNode, parent: Any, level: int, nesting: int
    ) -> Measure:
        """`level`: how many fields enclose this selection set within its definition."""
        if level > self.max_depth or nesting > MAX_NESTING:
            return Measure(depth=self.max_depth + 1)
        total = Measure()
        for selection in selection_set.selections:
            self.visits += 1
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, level, nesting)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection_set(selection.selection_set, inner, level, nesting + 1)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.measured.get(selection.name.value, Measure())
        return total

    def field(self, node: FieldNode, parent: Any, level: int, nesting: int) -> Measure:
        name = node.name.value
        aliases = 1 if node.alias else 0
        introspection = name in INTROSPECTION_FIELDS
        if node.selection_set is None:
            return Measure(aliases=aliases, fields=1, cost=1, introspection=introspection)
        definition = _field_definition(parent, name)
        child_type = get_named_type(definition.type) if definition else None
        inner = self.selection_set(node.selection_set, child_type, level + 1, nesting + 1)
        times = self.page_size(node, definition) if definition else 1
        return Measure(
            # Introspection is not counted in depth, as strawberry's QueryDepthLimiter did not.
            depth=0 if name.startswith("__") else 1 + inner.depth,
            aliases=_sum(aliases, inner.aliases),
            fields=_sum(1, inner.fields),
            cost=_sum(1, min(times * inner.cost, CEILING)),
            introspection=introspection or inner.introspection,
        )

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        """How many times a list field repeats its selection: a connection's (or a list's)
        `first`, else its default page size; a list of objects by `ids` (`nodes`), as many
        as the IDs asked for; other fields once."""
        if "first" not in definition.args:
            return self.id_count(node) if "ids" in definition.args else 1
        connection = _is_connection(definition)
        if not connection and not isinstance(get_nullable_type(definition.type), GraphQLList):
            return 1
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value: Any = argument.value if argument is not None else None
        if isinstance(value, VariableNode):
            name = value.name.value
            value = self.variables[name] if name in self.variables else self.defaults.get(name)
        if isinstance(value, IntValueNode):
            value = int(value.value) if len(value.value) <= 12 else MAX_PAGE_SIZE + 1
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if value is None or isinstance(value, NullValueNode):
            default = definition.args["first"].default_value
            return default if isinstance(default, int) and not connection else DEFAULT_PAGE_SIZE
        if not isinstance(value, int) or isinstance(value, bool):
            return DEFAULT_PAGE_SIZE  # not an Int: graphql-core refuses it when coercing
        if connection and not 0 <= value <= MAX_PAGE_SIZE:
            self.errors.append(
                GraphQLError(
                    f"`first` must be between 0 and {MAX_PAGE_SIZE}.",
                    argument,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            )
            return 0
        return max(0, min(value, MAX_PAGE_SIZE))

    def id_count(self, node: FieldNode) -> int:
        argument = next((a for a in node.arguments or () if a.name.value == "ids"), None)
        value: Any = argument.value if argument is not None else None
        if isinstance(value, VariableNode):
            value = self.variables.get(value.name.value)
        if isinstance(value, ListValueNode):
            value = value.values
        return min(len(value), MAX_PAGE_SIZE) if isinstance(value, list | tuple) else 1


def _field_definition(parent: Any, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _is_connection(definition: GraphQLField) -> bool:
    named = get_named_type(definition.type)
    return isinstance(named, GraphQLObjectType) and {"edges", "pageInfo"} <= named.fields.keys()


def measure_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    *,
    max_depth: int = 12,
) -> Report:
    """Measure every operation of `document` (the largest of each measure is reported), in
    one pass that walks each fragment definition once."""
    walker = _Walker(schema, document, variables or {}, max_depth)
    walker.measure_fragments()
    report = Report()
    for operation in walker.operations:
        root = schema.get_root_type(operation.operation)
        measure = walker.selection_set(operation.selection_set, root, 0, 0)
        report.depth = max(report.depth, measure.depth)
        report.aliases = _sum(report.aliases, measure.aliases)
        report.fields = max(report.fields, measure.fields)
        report.cost = max(report.cost, measure.cost)
        report.introspection = report.introspection or measure.introspection
        if measure.depth > max_depth:
            report.too_deep.append(operation.name.value if operation.name else "anonymous")
    report.visits = walker.visits
    report.errors = walker.errors
    return report


def _oversized_tokens(document: DocumentNode, settings: Settings) -> list[GraphQLError]:
    """Names (and numbers) and string literals over their caps, found on the parsed tokens;
    the message never repeats them."""
    token = document.loc.start_token if document.loc else None
    while token is not None:
        value = token.value or ""
        if token.kind in _NAME_TOKENS and len(value) > settings.max_name_length:
            message = f"Names in a query are at most {settings.max_name_length} characters."
            break
        if token.kind in _TEXT_TOKENS and len(value) > settings.max_string_literal:
            message = (
                f"String literals are at most {settings.max_string_literal} characters; "
                "send longer text in variables."
            )
            break
        token = token.next
    else:
        return []
    return [GraphQLError(message, extensions={"code": "BAD_REQUEST"})]


def check_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    settings: Settings,
) -> tuple[list[GraphQLError], Report | None]:
    """The errors that refuse `document` before graphql-core validates it, and its report."""
    if errors := _oversized_tokens(document, settings):
        return errors, None
    report = measure_document(
        schema,
        document,
        variables,
        max_depth=settings.max_query_depth,
    )
    if report.too_deep:
        return [
            GraphQLError(f"'{name}' exceeds maximum operation depth of {settings.max_query_depth}")
            for name in report.too_deep
        ], report
    if report.aliases > settings.max_aliases:
        found = report.aliases if report.aliases < CEILING else "Too many"
        return [GraphQLError(f"{found} aliases found. Allowed: {settings.max_aliases}")], report
    if report.errors:
        return report.errors[:1], report
    if report.cost > settings.max_query_cost:
        return [
            GraphQLError(
                f"This query's cost exceeds the budget of {settings.max_query_cost}: every "
                "field costs 1 and a connection multiplies its fields by `first`. Ask for "
                "smaller pages or fewer fields."
            )
        ], report
    return [], report


class QueryLimits(SchemaExtension):
    """Runs `check_document` before graphql-core's validation (which it skips on a refusal)
    and keeps anonymous callers from introspecting the schema outside development."""

    def __init__(self, *, settings: Settings) -> None:
        self.settings = settings

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            errors, report = check_document(
                context.schema._schema,
                context.graphql_document,
                context.variables,
                self.settings,
            )
            if not errors and report is not None and report.introspection:
                errors = await self._introspection_errors()
            if errors:
                context.pre_execution_errors = errors
        yield

    async def _introspection_errors(self) -> list[GraphQLError]:
        if self.settings.is_development:
            return []
        principal_of = getattr(self.execution_context.context, "principal", None)
        try:
            principal = await principal_of() if principal_of is not None else None
        except KampError:
            principal = None
        if principal is not None:
            return []
        return [
            GraphQLError(
                "Sign in to introspect the schema; it is also published as schema.graphql.",
                extensions={"code": "UNAUTHENTICATED"},
            )
        ]


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories: strawberry builds fresh extension instances for each request."""
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryLimits(settings=settings),
    ]

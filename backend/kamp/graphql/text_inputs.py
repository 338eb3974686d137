"""Text that no database stores is refused in every input before anything runs: a NUL or a lone
UTF-16 surrogate in a variable (at any depth, keys included) or in a string literal of the
document is a BAD_USER_INPUT error, whatever field it was meant for. Use cases clean their own
text too (`kamp.text.clean_text`); this is the one place that no input goes around."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql.error import GraphQLError
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from graphql import StringValueNode, visit
from kamp.errors import BadRequest
from kamp.text import UNSTORABLE_MESSAGE, unstorable


def _unstorable_value(value: Any) -> bool:
    """Whether any string in a JSON value holds text no database stores; iterative, so a
    deeply nested value costs no recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if unstorable(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if unstorable(node.value):
            self.found = True


class TextInputs(SchemaExtension):
    """Refuses the operation, before execution, when an input holds unstorable text."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        literals = _Literals()
        if context.graphql_document is not None:
            visit(context.graphql_document, literals)
        if literals.found or _unstorable_value(context.variables or {}):
            problem = BadRequest(UNSTORABLE_MESSAGE)
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(str(problem), original_error=problem)]
            )
        yield

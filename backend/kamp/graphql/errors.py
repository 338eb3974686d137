"""How errors reach a client: typed user errors in mutation payloads; GraphQL errors with
`extensions.code` for unauthenticated, forbidden and bad requests; everything unexpected masked
so that no SQL or Python text ever leaves the server."""

from __future__ import annotations

import logging

import strawberry
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from kamp.errors import ErrorCode, KampError, UserError

log = logging.getLogger("kamp.graphql")

strawberry.enum(ErrorCode, name="ErrorCode", description="Why an input was refused.")


@strawberry.type(name="UserError", description="A problem with the input that the user can fix.")
class UserErrorType:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str
    code: ErrorCode

    @classmethod
    def from_error(cls, error: UserError) -> UserErrorType:
        return cls(field=error.field, message=error.message, code=error.error_code)


class KampErrors(MaskErrors):
    """Known errors keep their message and get a code; the rest become 'Unexpected error.'"""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected)

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        original = error.original_error
        return original is not None and not isinstance(original, KampError | GraphQLError)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed: list[GraphQLError] = []
        for error in errors:
            original = error.original_error
            if self._unexpected(error):
                log.error("unexpected error", exc_info=original, extra={"path": error.path})
                masked = self.anonymise_error(error)
                masked.extensions = {"code": "INTERNAL"}
                processed.append(masked)
            elif isinstance(original, KampError):
                error.extensions = {**(error.extensions or {}), "code": original.code}
                processed.append(error)
            else:
                if not (error.extensions or {}).get("code"):
                    error.extensions = {
                        **(error.extensions or {}),
                        "code": "GRAPHQL_VALIDATION_FAILED",
                    }
                processed.append(error)
        return processed

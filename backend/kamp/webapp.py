"""Serving the built web app: files as they are, and index.html for the app's own paths
(/w/..., /invitation/...), so a link or a reload lands on the right page. API paths keep their
404s."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

API_PREFIXES = (
    "/graphql",
    "/auth/",
    "/oauth/",
    "/.well-known/",
    "/calendar/",
    "/healthz",
    "/readyz",
)


class WebApp(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or not self._is_app_path(scope):
                raise
            return await super().get_response("index.html", scope)
        if response.status_code == 404 and self._is_app_path(scope):
            return await super().get_response("index.html", scope)
        return response

    @staticmethod
    def _is_app_path(scope: Scope) -> bool:
        path: str = scope["path"]
        last = path.rsplit("/", 1)[-1]
        # A missing asset (a file name with an extension) stays a 404.
        return (
            scope["method"] in ("GET", "HEAD")
            and not path.startswith(API_PREFIXES)
            and "." not in last
        )

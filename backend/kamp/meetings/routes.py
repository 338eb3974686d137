"""Calendar files over plain HTTP, for calendar apps: one meeting (signed in, or with a bearer
token) and a person's feed (its secret URL is the credential). Anything one may not see is a
404, exactly like what does not exist."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kamp.auth.policy import Permission
from kamp.auth.principal import Principal
from kamp.auth.resolve import principal_resolver
from kamp.coediting import access
from kamp.errors import BadRequest, KampError
from kamp.graphql.relay import parse_global_id
from kamp.meetings import calendar, feeds, service
from kamp.runtime import Runtime

# Private data: no shared cache may keep it.
HEADERS = {"Cache-Control": "private, no-store"}


def _calendar(body: str, filename: str) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'inline; filename="{filename}"'},
    )


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404, headers=HEADERS)


def _id(request: Request, type_name: str) -> uuid.UUID | None:
    try:
        found, row_id = parse_global_id(request.path_params["id"])
    except BadRequest:
        return None
    return row_id if found == type_name else None


async def _principal(request: Request, session: AsyncSession) -> Principal | None:
    try:
        return await principal_resolver(request)(session)
    except KampError:
        return None


UNAUTHENTICATED = "Sign in, or send a bearer token."


async def meeting_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if (meeting_id := _id(request, "Meeting")) is None:
        return _not_found()
    async with runtime.session_factory() as session:
        if (principal := await _principal(request, session)) is None:
            return PlainTextResponse(UNAUTHENTICATED, status_code=401, headers=HEADERS)
        found = await service.get_meetings(session, principal=principal, ids=[meeting_id])
        if (meeting := found.get(meeting_id)) is None:
            return _not_found()
        body = await calendar.meeting_ics(
            session,
            meeting,
            shows=lambda item: access.can_see(principal, item, Permission.MEETINGS_READ),
            base_url=runtime.settings.base_url,
            method="PUBLISH",
        )
    return _calendar(body, "meeting.ics")


async def series_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    if (series_id := _id(request, "MeetingSeries")) is None:
        return _not_found()
    async with runtime.session_factory() as session:
        if (principal := await _principal(request, session)) is None:
            return PlainTextResponse(UNAUTHENTICATED, status_code=401, headers=HEADERS)
        found = await service.get_series(session, principal=principal, ids=[series_id])
        if (series := found.get(series_id)) is None:
            return _not_found()
        ics = calendar.new_calendar("PUBLISH")
        ics.add_component(calendar.series_event(series, url=runtime.settings.base_url))
    return _calendar(calendar.to_ics(ics), "series.ics")


async def feed_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    async with runtime.session_factory() as session:
        body = await feeds.feed_ics(
            session, secret=request.path_params["secret"], base_url=runtime.settings.base_url
        )
        if body is None:
            return _not_found()
        await session.commit()  # when it was last used
    return _calendar(body, "kamp.ics")


routes = [
    Route("/calendar/meetings/{id}.ics", meeting_file, methods=["GET"]),
    Route("/calendar/series/{id}.ics", series_file, methods=["GET"]),
    Route("/calendar/feeds/{secret}.ics", feed_file, methods=["GET"]),
]

"""The Starlette application: routes, middleware and the lifespan that builds the Runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from arq import create_pool
from arq.connections import RedisSettings
from redis.asyncio import Redis
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from kamp import migrations
from kamp.api import build_schema
from kamp.auth import routes as auth_routes
from kamp.auth.federation import routes as federation_routes
from kamp.auth.oauth import routes as oauth_routes
from kamp.auth.oauth.keys import KeyRingCache
from kamp.auth.ratelimit import RateLimiter, Rules
from kamp.auth.resolve import bearer_resolver, principal_resolver
from kamp.db import make_engine, make_session_factory
from kamp.graphql.context import Context
from kamp.graphql.view import KampGraphQL
from kamp.inventory import routes as inventory_routes
from kamp.jobs.queue import ArqQueue, InProcessQueue, JobContext, JobQueue
from kamp.jobs.tasks import SCHEDULE, TASKS
from kamp.meetings import routes as meeting_routes
from kamp.observability import RequestIdMiddleware, count_sql
from kamp.realtime.broker import Broker, MemoryBroker, RedisBroker
from kamp.runtime import Runtime
from kamp.security_headers import SecurityHeadersMiddleware
from kamp.settings import Settings
from kamp.webapp import WebApp


async def build_runtime(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    count_sql(engine)
    session_factory = make_session_factory(engine)
    redis: Redis | None = None
    queue: JobQueue
    limiter: RateLimiter
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
    broker: Broker = RedisBroker(redis) if redis is not None else MemoryBroker()
    if redis is not None:
        queue = ArqQueue(await create_pool(RedisSettings.from_dsn(settings.redis_url)))
        limiter = RateLimiter.on_redis(redis, Rules.from_settings(settings))
    else:
        queue = InProcessQueue(JobContext(settings, session_factory, broker), TASKS)
        queue.start_schedule(SCHEDULE)
        limiter = RateLimiter.in_memory(Rules.from_settings(settings))
    keys = KeyRingCache(session_factory, settings.secret_key)
    return Runtime(settings, engine, session_factory, queue, limiter, keys, broker, redis)


async def close_runtime(runtime: Runtime) -> None:
    await runtime.queue.close()
    if runtime.redis is not None:
        await runtime.redis.aclose()
    await runtime.engine.dispose()


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    checks: dict[str, str] = {}
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current = await migrations.current_revision(runtime.engine)
        head = migrations.head_revision(runtime.settings.database_url)
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
    except Exception:  # any failure to reach the database means not ready
        checks["database"] = "unreachable"
    ready = all(value == "ok" for value in checks.values()) and len(checks) == 2
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.check()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = await build_runtime(settings)
        app.state.runtime = runtime
        try:
            yield
        finally:
            await close_runtime(runtime)

    def make_context(connection: HTTPConnection, response: object) -> Context:
        runtime: Runtime = connection.app.state.runtime
        return Context(
            settings=runtime.settings,
            session_factory=runtime.session_factory,
            queue=runtime.queue,
            broker=runtime.broker,
            resolve_principal=principal_resolver(connection),
            request=connection,
            response=response,
        )

    graphql = KampGraphQL(
        build_schema(settings),
        make_context=make_context,
        bearer_resolver=lambda context, authorization: bearer_resolver(
            context.request.app.state.runtime, authorization
        ),
        graphql_ide=None if settings.is_production else "graphiql",
        allow_queries_via_get=False,
        subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        # Behind a TLS proxy the browser's origin is the public one.
        allowed_origins=[settings.base_url],
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *auth_routes.routes,
        *federation_routes.routes,
        *oauth_routes.routes,
        *meeting_routes.routes,
        *inventory_routes.routes,
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
    ]
    if settings.frontend_dir.is_dir():
        routes.append(Mount("/", WebApp(directory=settings.frontend_dir, html=True)))
    return Starlette(
        routes=routes,
        middleware=[
            # Outermost: the client address every limit is keyed by, from trusted proxies only.
            *(
                [Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))]
                if settings.trusted_proxies
                else []
            ),
            Middleware(
                SecurityHeadersMiddleware,
                base_url=settings.base_url,
                graphiql=not settings.is_production,
            ),
            Middleware(RequestIdMiddleware, expose_sql_count=not settings.is_production),
        ],
        lifespan=lifespan,
    )

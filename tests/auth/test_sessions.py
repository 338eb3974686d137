"""Local sign-in: the session cookie, sign-out, rate limiting (in memory and in Redis) and
CSRF protection of cookie-authenticated requests."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from redis.asyncio import Redis

from kamp.accounts.models import Role
from kamp.app import create_app
from kamp.auth.ratelimit import RateLimiter, Rules
from kamp.settings import Settings
from tests.conftest import REDIS_URL
from tests.support import PASSWORD, gql, snapshot

VIEWER = "{ viewer { user { email } } }"


async def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(world, client):
    email = world.a.email(Role.CUSTOMER_BUYER)
    response = await client.post("/auth/login", json={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "kamp_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    token = client.cookies["kamp_session"]
    assert (await gql(client, VIEWER))["data"]["viewer"]["user"]["email"] == email
    response = await client.post("/auth/logout", json={})
    assert response.status_code == 200
    assert (await gql(client, VIEWER)) == {"data": {"viewer": None}}
    # The old cookie value is dead on the server too, not merely forgotten by this browser.
    client.cookies.set("kamp_session", token)
    assert (await gql(client, VIEWER)) == {"data": {"viewer": None}}


async def test_wrong_password_and_unknown_email_look_the_same(world, client):
    wrong = await client.post(
        "/auth/login", json={"email": world.a.email(Role.KAM), "password": "nope-nope-nope"}
    )
    unknown = await client.post(
        "/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "set-cookie" not in wrong.headers


async def test_forged_session_cookie_is_anonymous(world, client):
    client.cookies.set("kamp_session", "forged-value")
    assert (await gql(client, VIEWER)) == {"data": {"viewer": None}}


async def test_sign_in_is_rate_limited(world, settings):
    app = create_app(replace(settings, login_attempts=3))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            email = world.a.email(Role.KAM)
            statuses = [
                (
                    await http.post("/auth/login", json={"email": email, "password": "bad-bad-bad"})
                ).status_code
                for _ in range(4)
            ]
            assert statuses == [401, 401, 401, 429]
            # Even the right password waits out the window now.
            response = await http.post("/auth/login", json={"email": email, "password": PASSWORD})
            assert response.status_code == 429
            assert int(response.headers["retry-after"]) > 0


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_rate_limiter_windows(backend):
    redis = Redis.from_url(REDIS_URL)
    rules = Rules.from_settings(replace(Settings(), login_attempts=2))
    if backend == "redis":
        await redis.flushdb()
        limiter = RateLimiter.on_redis(redis, rules)
    else:
        limiter = RateLimiter.in_memory(rules)
    rule = rules.login_email
    try:
        assert [await limiter.hit(rule, "k") for _ in range(3)][:2] == [0, 0]
        assert 0 < await limiter.hit(rule, "k") <= rule.seconds
        assert await limiter.hit(rule, "other") == 0
        assert await limiter.hit(rules.login_address, "k") == 0  # each rule counts apart
        await limiter.reset(rule, "k")
        assert await limiter.hit(rule, "k") == 0
    finally:
        await redis.aclose()


async def test_redis_rate_limit_is_shared_by_server_processes(world, redis_settings):
    """Two app instances (as two processes would) count attempts against one limit."""
    await Redis.from_url(REDIS_URL).flushdb()
    apps = [create_app(replace(redis_settings, login_attempts=2)) for _ in range(2)]
    email = world.a.email(Role.KAM)
    statuses = []
    for app in apps:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                for _ in range(2):
                    response = await http.post(
                        "/auth/login", json={"email": email, "password": "bad-bad-bad"}
                    )
                    statuses.append(response.status_code)
    assert statuses == [401, 401, 429, 429]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", '{"query": "mutation { x }"}'),
        ("application/x-www-form-urlencoded", "query=mutation"),
        ("multipart/form-data; boundary=x", "--x--"),
    ],
)
async def test_cookie_requests_must_be_json(world, clients, runtime, content_type, body):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == 415
    response = await http.post("/auth/logout", content=body, headers={"content-type": content_type})
    assert response.status_code == 415
    assert await snapshot(runtime.session_factory) == before


async def test_cross_origin_cookie_requests_are_refused(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    mutation = """mutation($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) {
      workspace { name } } }"""
    variables = {"input": {"id": world.a.workspace_gid, "version": 1, "name": "Pwned"}}
    before = await snapshot(runtime.session_factory)
    response = await http.post(
        "/graphql",
        json={"query": mutation, "variables": variables},
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert await snapshot(runtime.session_factory) == before
    same_origin = await http.post(
        "/graphql",
        json={"query": mutation, "variables": variables},
        headers={"origin": "http://testserver"},
    )
    assert same_origin.json()["data"]["updateWorkspace"]["workspace"]["name"] == "Pwned"


async def test_no_operations_over_get(world, clients, runtime):
    http = await clients.as_user(world.a.email(Role.KAM))
    before = await snapshot(runtime.session_factory)
    workspace_id = world.a.workspace_gid
    mutation = (
        f'mutation {{ updateWorkspace(input: {{id: "{workspace_id}", version: 1, name: "Pwned"}}) '
        "{ workspace { name } } }"
    )
    for query in (mutation, VIEWER):
        response = await http.get("/graphql", params={"query": query})
        assert response.status_code in (400, 405), response.text
        assert "Pwned" not in response.text and "email" not in response.text
    assert await snapshot(runtime.session_factory) == before


async def test_public_origin_behind_a_proxy_is_ours(world, settings):
    """Behind a TLS proxy the request looks like http; the browser's Origin is KAMP_BASE_URL."""
    app = create_app(replace(settings, base_url="https://kamp.example.com"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://internal:8000") as http:
            login = await http.post(
                "/auth/login", json={"email": world.a.email(Role.KAM), "password": PASSWORD}
            )
            assert login.status_code == 200
            ok = await http.post(
                "/graphql",
                json={"query": VIEWER},
                headers={"origin": "https://kamp.example.com"},
            )
            assert ok.json()["data"]["viewer"]["user"]["email"] == world.a.email(Role.KAM)
            refused = await http.post(
                "/graphql", json={"query": VIEWER}, headers={"origin": "https://evil.example"}
            )
            assert refused.status_code == 403

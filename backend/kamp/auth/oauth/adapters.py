"""Adapters between kamp and authlib: the request built from Starlette, and kamp's rows seen
through authlib's client, code, token and user interfaces."""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Mapping

from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Payload, OAuth2Request

from kamp.accounts.models import User
from kamp.auth.oauth.models import OAuthAuthorizationCode, OAuthClient, OAuthRefreshToken
from kamp.auth.oauth.scopes import parse_scope
from kamp.auth.tokens import token_hash


def hash_client_secret(secret: str) -> str:
    # Client secrets are 256-bit random strings: a plain SHA-256 is enough, and fast.
    return token_hash(secret)


# --- request adapter ------------------------------------------------------------------------


class _Payload(OAuth2Payload):
    def __init__(self, values: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in values:
            self._datalist[key].append(value)
        self._data = {key: items[0] for key, items in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class KampRequest(OAuth2Request):
    """An OAuth2Request built from a Starlette request whose body was already read."""

    payload: _Payload
    # What authlib finds for the request: kamp's adapters, from the server's hooks.
    client: Client | None
    user: KampUser | None

    def __init__(
        self,
        *,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        args: list[tuple[str, str]],
        form: list[tuple[str, str]],
        ip: str = "",
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args: dict[str, str | None] = dict(args)
        self._form = dict(form)
        self.ip = ip
        self.payload = _Payload(args + form)

    @property
    def args(self) -> dict[str, str | None]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


# --- model adapters -------------------------------------------------------------------------


class Client(ClientMixin):
    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:  # type: ignore[override]  # authlib takes None as no default
        return None  # a redirect_uri is always required, and must match exactly

    def get_allowed_scope(self, scope: str | None) -> str:  # type: ignore[override]  # authlib passes None when no scope is asked
        """The asked-for scopes the client is registered for; all of those when none is asked."""
        allowed = set(self.row.scopes)
        if not scope:
            return " ".join(sorted(allowed))
        return " ".join(s for s in parse_scope(scope) if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.row.secret_hash is None:
            return False
        return hmac.compare_digest(self.row.secret_hash, hash_client_secret(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.secret_hash is None:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.row.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types


class AuthorizationCode:
    def __init__(self, row: OAuthAuthorizationCode) -> None:
        self.row = row

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int | None:
        return int(self.row.created_at.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class RefreshToken:
    def __init__(self, row: OAuthRefreshToken) -> None:
        self.row = row

    def get_scope(self) -> str:
        return self.row.scope

    def check_client(self, client: Client) -> bool:
        return self.row.client_pk == client.row.id


class KampUser:
    def __init__(self, row: User) -> None:
        self.row = row

    def get_user_id(self) -> str:
        return str(self.row.id)

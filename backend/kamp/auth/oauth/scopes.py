"""The scope catalogue integrators ask for. Scopes that narrow permissions map to them in
auth/policy.py (SCOPE_PERMISSIONS); the OpenID scopes shape tokens only."""

from __future__ import annotations

IDENTITY_SCOPES: dict[str, str] = {
    "openid": "Sign you in to the app with your kamp identity",
    "profile": "See your name",
    "email": "See your email address",
    "offline_access": "Stay connected when you are not using the app (refresh tokens)",
}

PERMISSION_SCOPES: dict[str, str] = {
    "accounts:read": "Read your workspaces, their members, sites and key accounts",
    "accounts:write": "Change workspaces, invite and manage members, maintain sites",
    "plans:read": "Read account plans, the relationship map, the pipeline and forecasts",
    "plans:write": "Edit account plans, the relationship map, the pipeline and forecasts",
    "meetings:read": "Read meetings, their agendas, minutes and calendar feeds",
    "meetings:write": "Edit agendas and minutes; schedule and run meetings (as the role allows)",
    "actions:read": "Read action items and their comments",
    "actions:write": "Create, edit and comment on action items (as the role allows)",
    "notifications:read": "Read your notifications",
    "notifications:write": "Mark your notifications read or unread",
    "clients:manage": "Register and manage integrator clients, never wider than this app",
    "inventory:read": "Read stock, stock policies, replenishment proposals and orders",
    "inventory:write": "Report stock, change policies, approve proposals and move orders on "
    "(as the role allows)",
}

CATALOGUE: dict[str, str] = {**PERMISSION_SCOPES, **IDENTITY_SCOPES}


def parse_scope(scope: str | None) -> list[str]:
    return sorted(set((scope or "").split()))


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in CATALOGUE]

"""Federated sign-in endpoints ("sign in with your company")."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

"""Imports every domain's tables so that Base.metadata is complete (alembic, tests)."""

from __future__ import annotations


def load_all_models() -> None:
    from kamp.accounts import models as accounts  # noqa: F401
    from kamp.actions import models as actions  # noqa: F401
    from kamp.auth import models as auth  # noqa: F401
    from kamp.auth.federation import models as federation  # noqa: F401
    from kamp.auth.oauth import models as oauth  # noqa: F401
    from kamp.coediting import models as coediting  # noqa: F401
    from kamp.forecasts import models as forecasts  # noqa: F401
    from kamp.inventory import models as inventory  # noqa: F401
    from kamp.mail import models as mail  # noqa: F401
    from kamp.meetings import models as meetings  # noqa: F401
    from kamp.notifications import models as notifications  # noqa: F401
    from kamp.pipeline import models as pipeline  # noqa: F401
    from kamp.plans import models as plans  # noqa: F401
    from kamp.relationships import models as relationships  # noqa: F401

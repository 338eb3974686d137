"""Demo forecasts for the first demo account, loaded by `kamp seed --demo` through the
forecasts' use cases: three years of sales goals and monthly forecasts against actuals,
relative to today."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from kamp import clock
from kamp.accounts.models import User, Workspace
from kamp.auth.service import principal_for_user
from kamp.forecasts.service import set_forecast_entry, set_sales_goal


async def load_demo_forecasts(session: AsyncSession, *, workspace: Workspace, kam: User) -> None:
    """Last year, this year and next: monthly forecasts, and actuals for every month up to
    last month, so that the figures are real on any day. Last month missed its forecast by
    more than the threshold: the deviation to investigate."""
    as_kam = await principal_for_user(session, user=kam)
    this_month = clock.today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for year in (this_month.year - 1, this_month.year, this_month.year + 1):
        await set_sales_goal(
            session,
            principal=as_kam,
            workspace_id=workspace.id,
            year=year,
            annual_goal=Decimal(4_200_000),
            deviation_threshold_pct=Decimal(10),
        )
        for number in range(1, 13):
            month = date(year, number, 1)
            forecast = Decimal(330_000 + number * 5_000)
            actual = None
            if month < this_month:
                actual = forecast * (Decimal("0.82") if month == last_month else Decimal("0.97"))
            await set_forecast_entry(
                session,
                principal=as_kam,
                workspace_id=workspace.id,
                month=month,
                forecast=forecast,
                actual=actual,
            )

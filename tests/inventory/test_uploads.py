"""The upload route: a CSV or 852 file as the body, with a session or a bearer token."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kamp import clock
from kamp.accounts.models import Role
from kamp.auth.oauth.clients import ClientKind
from kamp.inventory.models import StockPosition, StockReport, StockSource
from tests.auth.oauth_support import make_client, token_request
from tests.inventory.stock_support import stock_world
from tests.support import snapshot

HEADER = (
    "location_code,sku,as_of,period_days,on_hand,in_transit,on_order,committed,sold,stockout_days\n"
)


@pytest.fixture
async def stock(runtime, world):
    return await stock_world(runtime, world)


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def _when(hours: int = 2) -> str:
    return (clock.now() - timedelta(hours=hours)).isoformat()


def _url(world, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/workspaces/{world.a.workspace_gid}/stock-uploads" + (f"?{query}" if query else "")


async def _token(runtime, client, world, scopes: tuple[str, ...]) -> str:
    machine = await make_client(
        runtime,
        world.admin,
        kind=ClientKind.MACHINE,
        scopes=scopes,
        confidential=True,
        role=Role.SUPPLIER_MEMBER,
        key_account_ids=(world.a.key_account.id,),
    )
    response = await token_request(client, machine, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def _reports(runtime) -> list[StockReport]:
    async with runtime.session_factory() as session:
        return list(await session.scalars(select(StockReport).order_by(StockReport.on_hand)))


async def test_a_buyer_uploads_a_csv_file_with_the_session(runtime, clients, world, stock):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    upload_id = str(uuid.uuid4())
    body = _csv(
        f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0",
        f"A-2,SKU-2,{_when()},7,20,1,2,3,14,0",
        f"A-1,SKU-404,{_when()},1,10,0,0,0,3,0",
        "A-1,SKU-1,yesterday,1,10,0,0,0,3,0",
        "A-1,SKU-1",
    )
    response = await buyer.post(
        _url(world, mode="VALID_ROWS"),
        content=body,
        headers={
            "content-type": "text/csv",
            "x-upload-id": upload_id,
            "origin": "http://testserver",
        },
    )
    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["status"], result["accepted"], result["rejected"]) == ("DONE", 2, 3)
    assert result["errors"] == [
        {
            "row": 4,
            "field": "product",
            "message": "This product is not in the account's assortment.",
            "code": "NOT_FOUND",
        },
        {"row": 5, "field": "as_of", "message": result["errors"][1]["message"], "code": "INVALID"},
        {"row": 6, "field": None, "message": "Expected 10 values, found 2.", "code": "INVALID"},
    ]
    assert result["errors"][1]["message"].startswith("Not a date.")
    assert result["errorCount"] == 3 and result["errorsTruncated"] is False
    reports = await _reports(runtime)
    assert [(r.on_hand, r.source) for r in reports] == [
        (10, StockSource.CSV),
        (20, StockSource.CSV),
    ]
    assert {str(r.batch_id) for r in reports} == {result["batchId"]}
    # The progress, for the page's progress bar: the uploader's only.
    progress = await buyer.get(_url(world) + f"/{upload_id}")
    assert progress.status_code == 200
    assert progress.json() | {"bytesTotal": None, "batchId": None} == {
        "uploadId": upload_id,
        "status": "DONE",
        "bytesTotal": None,
        "bytesDone": len(body),
        "rowsRead": 5,
        "accepted": 2,
        "rejected": 3,
        "batchId": None,
    }
    other = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    assert (await other.get(_url(world) + f"/{upload_id}")).status_code == 404
    assert (await buyer.get(_url(world) + f"/{uuid.uuid4()}")).status_code == 404


async def test_all_or_nothing_answers_422_and_records_nothing(runtime, clients, world, stock):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    before = await snapshot(runtime.session_factory)
    response = await buyer.post(
        _url(world),
        content=_csv(f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0", f"A-1,SKU-1,{_when()},1,-4,0,0,0,3,0"),
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 422
    result = response.json()
    assert (result["status"], result["accepted"], result["rejected"]) == ("REFUSED", 0, 1)
    assert result["errors"] == [
        {"row": 3, "field": "on_hand", "message": "Must be 0 or more.", "code": "INVALID"}
    ]
    assert await snapshot(runtime.session_factory) == before


async def test_a_browser_form_cannot_upload_with_the_cookie(runtime, clients, world, stock):
    buyer = await clients.as_user(world.a.email(Role.CUSTOMER_BUYER))
    before = await snapshot(runtime.session_factory)
    line = f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0"
    form = await buyer.post(_url(world), files={"file": ("stock.csv", _csv(line), "text/csv")})
    assert form.status_code == 415
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/json"):
        response = await buyer.post(
            _url(world), content=_csv(line), headers={"content-type": content_type}
        )
        assert response.status_code == 415
    elsewhere = await buyer.post(
        _url(world),
        content=_csv(line),
        headers={"content-type": "text/csv", "origin": "https://evil.example.com"},
    )
    assert elsewhere.status_code == 403
    assert elsewhere.json()["errors"][0]["code"] == "CSRF_REFUSED"
    assert await snapshot(runtime.session_factory) == before


async def test_an_integrator_uploads_an_852_file_with_a_bearer_token(runtime, client, world, stock):
    token = await _token(runtime, client, world, ("inventory:write",))
    day = (clock.today() - timedelta(days=1)).strftime("%Y%m%d")
    start = (clock.today() - timedelta(days=7)).strftime("%Y%m%d")
    isa = (
        "ISA*00*          *00*          *ZZ*CUSTOMER       *ZZ*SUPPLIER       "
        "*260503*1200*U*00401*000000001*0*P*>~"
    )
    body = "~\n".join(
        [
            "GS*PD*CUSTOMER*SUPPLIER*20260503*1200*1*X*004010",
            "ST*852*0001",
            f"XQ*H*{start}*{day}",
            "N1*RL*Lyon*92*A-1",
            "LIN**SK*SKU-1",
            "ZA*QA*12",
            "ZA*QS*14",
            "ZA*QO*1",
            "LIN**BP*C-200",
            "ZA*QA*30",
            "SE*10*0001",
            "GE*1*1",
            "IEA*1*000000001~",
        ]
    )
    response = await client.post(
        _url(world, format="852"),
        content=(isa + body).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/edi-x12"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 2
    reports = await _reports(runtime)
    assert [(r.on_hand, r.sold, r.period_days, r.stockout_days) for r in reports] == [
        (12, 14, 7, 1),
        (30, 0, 7, 0),
    ]
    assert all(r.source == StockSource.EDI_852 and r.reported_by_id is None for r in reports)
    assert all(r.client_id is not None for r in reports)
    async with runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(StockPosition)) == 2


async def test_a_token_without_inventory_write_is_refused(runtime, client, world, stock):
    token = await _token(runtime, client, world, ("inventory:read",))
    before = await snapshot(runtime.session_factory)
    response = await client.post(
        _url(world),
        content=_csv(f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0"),
        headers={"authorization": f"Bearer {token}", "content-type": "text/csv"},
    )
    assert response.status_code == 403
    assert await snapshot(runtime.session_factory) == before
    # Another account's workspace, a bad ID, no credentials, a forged token.
    for url, headers, status in (
        (
            f"/workspaces/{world.b.workspace_gid}/stock-uploads",
            {"authorization": f"Bearer {token}"},
            404,
        ),
        ("/workspaces/nonsense/stock-uploads", {"authorization": f"Bearer {token}"}, 404),
        (_url(world), {}, 401),
        (_url(world), {"authorization": "Bearer forged"}, 401),
    ):
        response = await client.post(
            url, content=b"x", headers={"content-type": "text/csv", **headers}
        )
        assert response.status_code == status, url
    assert await snapshot(runtime.session_factory) == before


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SUPPLIER_EXECUTIVE, Role.CUSTOMER_EXECUTIVE])
async def test_roles_that_may_not_report(runtime, clients, world, stock, role):
    http = await clients.as_user(world.a.email(role))
    response = await http.post(
        _url(world),
        content=_csv(f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0"),
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 403
    assert await _reports(runtime) == []


async def test_a_file_over_the_limit_is_refused(runtime, clients, world, stock):
    runtime.settings = dataclasses.replace(runtime.settings, max_upload_bytes=2048)
    buyer = await clients.as_user(world.a.email(Role.SUPPLIER_MEMBER))
    lines = [f"A-1,SKU-1,{_when()},1,10,0,0,0,3,0"] * 100

    async def chunks():  # no Content-Length: the limit holds while streaming
        yield _csv(*lines)

    response = await buyer.post(_url(world), content=chunks(), headers={"content-type": "text/csv"})
    assert response.status_code == 413
    response = await buyer.post(
        _url(world), content=_csv(*lines), headers={"content-type": "text/csv"}
    )
    assert response.status_code == 413
    assert await _reports(runtime) == []
    bad = await buyer.post(
        _url(world, mode="SOME"), content=b"", headers={"content-type": "text/csv"}
    )
    assert bad.status_code == 400

"""The management-system API over HTTP: auth, validation with paths, idempotent events, no half-writes."""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.case_lookup.passwords import verify_password
from bot.config import Settings
from bot.core.context import Services
from bot.hotline import build_hotline
from bot.storage.db import Database
from bot.storage.models import Case, CaseEvent, Party
from bot.web import management_api
from bot.web.openapi import CASE_EXAMPLE, EVENT_EXAMPLE
from bot.web.runtime import HOTLINE, POOL

CASE_NO = "(2024)浙0102执1234号"
AUTH = {"Authorization": "Bearer test-token"}


def api_app(settings: Settings, db: Database, services: Services) -> web.Application:
    """The management API as create_app mounts it, on the session's services (loading them takes seconds)."""
    app = web.Application(client_max_size=1024 * 1024)

    async def hotline_context(app: web.Application) -> AsyncIterator[None]:
        with ThreadPoolExecutor(2, thread_name_prefix="test-turn") as pool:
            app[POOL] = pool
            app[HOTLINE] = build_hotline(settings, db, services)
            yield

    app.cleanup_ctx.append(hotline_context)
    management_api.setup(app)
    return app


def url(case_no: str = CASE_NO, suffix: str = "") -> str:
    return f"/api/v1/cases/{quote(case_no, safe='')}{suffix}"


def case_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(CASE_EXAMPLE)
    body.update(changes)
    return body


@pytest.fixture
async def client(aiohttp_client: Any, settings: Settings, db: Database, services: Services) -> TestClient:
    return await aiohttp_client(api_app(settings, db, services))


def count(db: Database, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic test-token"},
        {"Authorization": "Bearer "},
    ],
)
async def test_missing_or_wrong_token_is_401(
    client: TestClient, db: Database, headers: dict[str, str]
) -> None:
    for method, path, body in [
        ("PUT", url(), case_body()),
        ("POST", url(suffix="/events"), EVENT_EXAMPLE),
        ("GET", url(), None),
    ]:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await response.json())["errors"][0]["reason"] == "缺少或错误的访问令牌"
    assert count(db, Case) == 0


async def test_put_inserts_then_updates_and_get_returns_it(client: TestClient) -> None:
    first = await client.put(url("（2024）浙0102执1234号"), json=case_body(), headers=AUTH)
    assert first.status == 200
    assert await first.json() == {"case_no": CASE_NO, "result": "inserted"}
    second = await client.put(url("〔2024〕浙0102执1234"), json=case_body(amount="130000"), headers=AUTH)
    assert await second.json() == {"case_no": CASE_NO, "result": "updated"}
    got = await client.get(url("2024浙0102执1234号"), headers=AUTH)
    record = await got.json()
    assert Decimal(record["amount"]) == Decimal("130000")
    assert record["court_code"] == "浙0102" and record["case_type"] == "执"
    assert record["parties"][0]["id_number"] == "330102199001011234"
    assert record["staff"][0]["staff_no"] == "SC0102-031"
    assert record["has_password"] is True


async def test_upsert_replaces_parties_and_staff(client: TestClient, db: Database) -> None:
    await client.put(url(), json=case_body(), headers=AUTH)
    newcomer = {"role": "interested", "kind": "person", "name": "王五", "phone": "13912345678"}
    clerk = {"staff_no": "SC0102-077", "name": "赵六", "role": "clerk", "assigned_on": "2024-04-01"}
    response = await client.put(url(), json=case_body(parties=[newcomer], staff=[clerk]), headers=AUTH)
    assert (await response.json())["result"] == "updated"
    record = await (await client.get(url(), headers=AUTH)).json()
    assert [party["name"] for party in record["parties"]] == ["王五"]
    assert [item["name"] for item in record["staff"]] == ["赵六"]
    assert count(db, Party) == 1


def _bad_id() -> str:
    good = "330102199001011234"
    return good[:-1] + ("5" if good[-1] != "5" else "6")


@pytest.mark.parametrize(
    ("case_no", "changes", "path"),
    [
        (
            CASE_NO,
            {"parties": [{"role": "applicant", "kind": "person", "name": "张三", "id_number": _bad_id()}]},
            "parties.0.id_number",
        ),
        (
            CASE_NO,
            {"parties": [{"role": "applicant", "kind": "person", "name": "张三", "phone": "1381234"}]},
            "parties.0.phone",
        ),
        (CASE_NO, {"parties": [{"role": "judge", "kind": "person", "name": "张三"}]}, "parties.0.role"),
        (CASE_NO, {"status": "closed"}, "closing_type"),
        (CASE_NO, {"status": "closed", "closing_type": "no_such_way"}, "closing_type"),
        (CASE_NO, {"case_type": "执恢"}, "case_type"),
        (CASE_NO, {"amount": "-1"}, "amount"),
        (CASE_NO, {"filed_on": "2024-02-30"}, "filed_on"),
        ("(2024)浙0102执", {}, "case_no"),
        ("浙0102执1234号", {}, "case_no"),
        ("(2024)浙0102民初1234号", {}, "case_no"),
    ],
)
async def test_bad_payload_is_422_with_the_path(
    client: TestClient, db: Database, case_no: str, changes: dict[str, Any], path: str
) -> None:
    response = await client.put(url(case_no), json=case_body(**changes), headers=AUTH)
    assert response.status == 422
    errors = (await response.json())["errors"]
    assert path in [error["path"] for error in errors]
    assert all(error["reason"] for error in errors)
    assert count(db, Case) == 0


async def test_422_does_not_echo_the_id_number(client: TestClient) -> None:
    bad = _bad_id()
    body = case_body(parties=[{"role": "applicant", "kind": "person", "name": "张三", "id_number": bad}])
    response = await client.put(url(), json=body, headers=AUTH)
    assert bad not in await response.text()


async def test_event_replay_is_idempotent(client: TestClient, db: Database) -> None:
    await client.put(url(), json=case_body(), headers=AUTH)
    first = await client.post(url(suffix="/events"), json=EVENT_EXAMPLE, headers=AUTH)
    assert first.status == 201
    assert (await first.json())["result"] == "inserted"
    changed = {**EVENT_EXAMPLE, "summary": "另一段文字"}
    again = await client.post(url(suffix="/events"), json=changed, headers=AUTH)
    assert again.status == 200
    assert (await again.json())["result"] == "duplicate"
    record = await (await client.get(url(), headers=AUTH)).json()
    assert [(event["event_id"], event["category"]) for event in record["events"]] == [
        ("EV-2024-000123", "measure")
    ]
    assert record["events"][0]["summary"] == EVENT_EXAMPLE["summary"]
    assert count(db, CaseEvent) == 1


async def test_event_for_unknown_case_is_404_and_unknown_kind_422(client: TestClient, db: Database) -> None:
    missing = await client.post(url(suffix="/events"), json=EVENT_EXAMPLE, headers=AUTH)
    assert missing.status == 404
    assert (await missing.json())["errors"][0]["path"] == "case_no"
    await client.put(url(), json=case_body(), headers=AUTH)
    odd = await client.post(url(suffix="/events"), json={**EVENT_EXAMPLE, "kind": "teleported"}, headers=AUTH)
    assert odd.status == 422
    assert (await odd.json())["errors"][0]["path"] == "kind"
    assert count(db, CaseEvent) == 0


async def test_event_id_of_another_case_is_refused_without_writing(client: TestClient, db: Database) -> None:
    other = "(2024)浙0102执1235号"
    await client.put(url(), json=case_body(), headers=AUTH)
    await client.put(url(other), json=case_body(), headers=AUTH)
    await client.post(url(suffix="/events"), json=EVENT_EXAMPLE, headers=AUTH)
    clash = await client.post(url(other, "/events"), json=EVENT_EXAMPLE, headers=AUTH)
    assert clash.status == 422
    assert (await clash.json())["errors"][0]["path"] == "event_id"
    assert count(db, CaseEvent) == 1


async def test_get_unknown_case_is_404(client: TestClient) -> None:
    response = await client.get(url(), headers=AUTH)
    assert response.status == 404


async def test_password_is_hashed_never_returned_nor_logged(
    client: TestClient, db: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    password = CASE_EXAMPLE["password"]
    put = await client.put(url(), json=case_body(), headers=AUTH)
    got = await client.get(url(), headers=AUTH)
    texts = await put.text() + await got.text()
    with db.transaction() as session:
        stored = session.scalars(select(Case.password_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$")
    assert verify_password(stored, password, settings)
    assert password not in texts and stored not in texts and "argon2" not in texts
    assert password not in caplog.text and stored not in caplog.text


async def test_put_without_password_keeps_the_stored_hash(client: TestClient, db: Database) -> None:
    await client.put(url(), json=case_body(), headers=AUTH)
    body = case_body()
    del body["password"]
    await client.put(url(), json=body, headers=AUTH)
    record = await (await client.get(url(), headers=AUTH)).json()
    assert record["has_password"] is True


async def test_malformed_and_oversized_bodies(client: TestClient, db: Database) -> None:
    broken = await client.put(url(), data=b"{not json", headers=AUTH)
    assert broken.status == 400
    listed = await client.put(url(), json=[1, 2], headers=AUTH)
    assert listed.status == 422
    huge = await client.put(url(), data=b" " * (management_api.MAX_BODY + 1), headers=AUTH)
    assert huge.status == 413
    nul = await client.put(url(), json=case_body(cause="借款\u0000"), headers=AUTH)
    assert nul.status == 422
    assert count(db, Case) == 0


async def test_openapi_document(client: TestClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    document = await response.json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/api/v1/cases/{case_no}", "/api/v1/cases/{case_no}/events"}
    kind = document["components"]["schemas"]["EventPayload"]["properties"]["kind"]
    assert "property_frozen" in kind["enum"]
    assert "password" not in document["components"]["schemas"]["CaseRecord"]["properties"]


async def test_an_event_posted_writes_its_sms_notices_in_the_same_transaction(
    client: TestClient, db: Database
) -> None:
    from datetime import UTC, datetime

    from bot.storage.models import Notification

    body = case_body(
        parties=[
            {"role": "applicant", "kind": "person", "name": "张三", "phone": "13812345678"},
            {"role": "respondent", "kind": "person", "name": "李四", "phone": "13987654321"},
        ]
    )
    await client.put(url(), json=body, headers=AUTH)
    event = {
        "event_id": "EV-notify-1",
        "kind": "judge_assigned",
        "occurred_at": datetime.now(UTC).isoformat(),
        "summary": "确定承办人李明",
        "details": {"judge": "李明", "judge_phone": "0571-88881234"},
    }
    assert (await client.post(url(suffix="/events"), json=event, headers=AUTH)).status == 201
    assert (await client.post(url(suffix="/events"), json=event, headers=AUTH)).status == 200  # a replay
    with db.transaction() as session:
        notices = session.scalars(select(Notification)).all()
    assert sorted(notice.phone for notice in notices) == ["13812345678", "13987654321"]
    assert all("李明" in notice.text and CASE_NO in notice.text for notice in notices)

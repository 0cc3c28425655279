"""The management-system API: bearer-token JSON to upsert cases, push events and read a case back."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.case_lookup.catalogue import Catalogue
from bot.case_lookup.ingest import (
    IngestError,
    UnknownCase,
    add_event,
    enforcement_case_number,
    error_list,
    upsert_case,
)
from bot.case_lookup.payloads import CasePayload, EventPayload
from bot.hotline import Hotline
from bot.notify.record import notifier
from bot.storage.models.cases import Case, CaseEvent
from bot.web import openapi
from bot.web.runtime import HOTLINE, run_sync

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
MAX_BODY = 256 * 1024
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _errors(status: int, errors: list[dict[str, str]], **headers: str) -> web.Response:
    return _json({"errors": errors}, status=status, headers=headers or None)


def _one_error(status: int, path: str, reason: str) -> web.Response:
    return _errors(status, [{"path": path, "reason": reason}])


def _authorised(request: web.Request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    offered = token.strip().encode()
    # Compare with every token, whatever matches, so the time taken says nothing about which one.
    matched = False
    for known in request.app[HOTLINE].settings.api_tokens:
        matched |= hmac.compare_digest(known.encode(), offered)
    return matched


def authenticated(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not _authorised(request):
            return _errors(
                401,
                [{"path": "", "reason": "缺少或错误的访问令牌"}],
                **{"WWW-Authenticate": 'Bearer realm="hotline12368", error="invalid_token"'},
            )
        return await handler(request)

    return guarded


class BadRequest(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


async def _body(request: web.Request) -> Any:
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise BadRequest(_one_error(413, "", f"请求体不能超过{MAX_BODY // 1024}KB"))
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise BadRequest(_one_error(413, "", f"请求体不能超过{MAX_BODY // 1024}KB"))
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest(_one_error(400, "", "请求体不是有效的 JSON")) from None


def _catalogue(hotline: Hotline) -> Catalogue:
    catalogue = hotline.services.catalogue
    if catalogue is None:
        raise RuntimeError("the event catalogue is not loaded (load_services loads it)")
    return catalogue


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers, dumps=_dumps)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _validated(model: type[BaseModel], body: Any, case_no: str, catalogue: Catalogue) -> Any:
    """The payload, or a 422 listing the case number's problem and every field's, all at once."""
    errors: list[dict[str, str]] = []
    try:
        enforcement_case_number(case_no)
    except IngestError as error:
        errors.extend(error_list([error]))
    try:
        payload = model.model_validate(body, context={"catalogue": catalogue})
    except ValidationError as error:
        errors.extend(error_list(error))
    if errors:
        raise BadRequest(_errors(422, errors))
    return payload


def _in_transaction(hotline: Hotline, work: Callable[[Session], T]) -> T:
    """Run the work in one transaction; retry once when a concurrent writer inserted the same row."""
    try:
        with hotline.db.transaction() as session:
            return work(session)
    except IntegrityError:
        with hotline.db.transaction() as session:
            return work(session)


async def _write(request: web.Request, work: Callable[[Session], T]) -> T:
    hotline = request.app[HOTLINE]
    try:
        return await run_sync(request.app, _in_transaction, hotline, work)
    except UnknownCase as error:
        raise BadRequest(_one_error(404, error.path, error.reason)) from None
    except IngestError as error:
        raise BadRequest(_errors(422, error_list([error]))) from None
    except IntegrityError:
        raise BadRequest(_one_error(409, "", "并发写入冲突，请重试")) from None


@authenticated
async def put_case(request: web.Request) -> web.StreamResponse:
    hotline = request.app[HOTLINE]
    case_no = request.match_info["case_no"]
    try:
        catalogue = _catalogue(hotline)
        payload: CasePayload = _validated(CasePayload, await _body(request), case_no, catalogue)
        canonical = enforcement_case_number(case_no).canonical
        result = await _write(
            request,
            lambda session: upsert_case(
                session,
                canonical,
                payload,
                hotline.settings,
                catalogue=catalogue,
                courts=hotline.services.courts,
            ),
        )
    except BadRequest as bad:
        return bad.response
    log.info("management API: case %s %s", canonical, result)
    return _json({"case_no": canonical, "result": result})


@authenticated
async def post_event(request: web.Request) -> web.StreamResponse:
    hotline = request.app[HOTLINE]
    case_no = request.match_info["case_no"]
    try:
        catalogue = _catalogue(hotline)
        payload: EventPayload = _validated(EventPayload, await _body(request), case_no, catalogue)
        canonical = enforcement_case_number(case_no).canonical
        notify = notifier(hotline.services.notify_rules)
        result = await _write(
            request, lambda session: add_event(session, canonical, payload, catalogue, notify=notify)
        )
    except BadRequest as bad:
        return bad.response
    log.info("management API: event %s of case %s %s", payload.event_id, canonical, result)
    body = {"case_no": canonical, "event_id": payload.event_id, "result": result}
    return _json(body, status=201 if result == "inserted" else 200)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def case_record(session: Session, case_no: str) -> dict[str, Any] | None:
    """The stored case as JSON, parties' identifiers as stored, the password only as has_password."""
    case = session.scalars(select(Case).where(Case.case_no == case_no)).one_or_none()
    if case is None:
        return None
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.occurred_at, CaseEvent.id)
    ).all()
    record = openapi.CaseRecord(
        case_no=case.case_no,
        court_code=case.court_code,
        court_name=case.court_name,
        case_type=case.case_type,
        filed_on=case.filed_on,
        amount=case.amount,
        cause=case.cause,
        basis_document=case.basis_document,
        status=case.status,
        closing_type=case.closing_type,
        closed_on=case.closed_on,
        has_password=case.password_hash is not None,
        parties=[
            openapi.PartyRecord(
                role=party.role,
                kind=party.kind,
                name=party.name,
                id_number=party.id_number,
                phone=party.phone,
            )
            for party in case.parties
        ],
        staff=[
            openapi.StaffRecord(
                staff_no=item.staff.staff_no,
                name=item.staff.name,
                title=item.staff.title,
                office_phone=item.staff.office_phone,
                role=item.role,
                assigned_on=item.assigned_on,
                ended_on=item.ended_on,
            )
            for item in case.assignments
        ],
        events=[
            openapi.EventRecord(
                event_id=event.external_id,
                kind=event.kind,
                category=event.category,
                occurred_at=_aware(event.occurred_at),
                summary=event.summary,
                details=event.details,
            )
            for event in events
        ],
        updated_at=_aware(case.updated_at),
    )
    return record.model_dump(mode="json")


def _read_case(hotline: Hotline, case_no: str) -> dict[str, Any] | None:
    with hotline.db.transaction() as session:
        return case_record(session, case_no)


@authenticated
async def get_case(request: web.Request) -> web.StreamResponse:
    try:
        canonical = enforcement_case_number(request.match_info["case_no"]).canonical
    except IngestError as error:
        return _errors(422, error_list([error]))
    record = await run_sync(request.app, _read_case, request.app[HOTLINE], canonical)
    if record is None:
        return _one_error(404, "case_no", f"案件{canonical}不存在")
    return _json(record)


async def openapi_json(request: web.Request) -> web.StreamResponse:
    return _json(openapi.document(_catalogue(request.app[HOTLINE])))


def setup(app: web.Application) -> None:
    app.router.add_put(PREFIX + "/cases/{case_no}", put_case)
    app.router.add_get(PREFIX + "/cases/{case_no}", get_case)
    app.router.add_post(PREFIX + "/cases/{case_no}/events", post_event)
    app.router.add_get(PREFIX + "/openapi.json", openapi_json)

"""Public lists and notices on the web: the /lists and /notices pages, their JSON, and the management PUTs."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from bot.case_lookup.ingest import IngestError, error_list
from bot.hotline import Hotline
from bot.public_lists.ingest import check_external_id, parse_entry, upsert_entry, upsert_notice
from bot.public_lists.kinds import NOTICE_KINDS
from bot.public_lists.limits import QueryLimits, Requester
from bot.public_lists.notices import PAGE_SIZE, NoticeFilter, NoticePage, parse_filter, search_notices
from bot.public_lists.payloads import ListEntryPayload, NoticePayload
from bot.public_lists.present import chat_parts, money, result_json
from bot.public_lists.search import QueryError
from bot.public_lists.service import LookupResult, lookup_once
from bot.web.management_api import authenticated
from bot.web.runtime import HOTLINE, run_sync

PREFIX = "/api/v1"
TEMPLATES = Path(__file__).with_name("templates")
MAX_BODY = 64 * 1024
MAX_FIELD = 200
JINJA = web.AppKey("public_lists_jinja", jinja2.Environment)
# Search results are personal data about someone: never cached, never sent on as a referrer.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers={**PRIVATE, **(headers or {})}, dumps=_dumps)


def _errors(status: int, errors: list[dict[str, str]]) -> web.Response:
    return _json({"errors": errors}, status=status)


def _field(value: Any) -> str | None:
    """A form or query value, cut to a sane length (the query parser says what is wrong with it)."""
    return str(value)[:MAX_FIELD] if value is not None else None


def _now(hotline: Hotline) -> datetime:
    return hotline.services.clock()


def _lookup(hotline: Hotline, requester: Requester, name: str | None, code: str | None) -> LookupResult:
    limits = QueryLimits.from_settings(hotline.settings)
    return lookup_once(hotline.db, limits, requester, name, code, _now(hotline), hotline.settings.timezone)


def _status(result: LookupResult) -> tuple[int, dict[str, str]]:
    if result.status == "limited":
        return 429, {"Retry-After": str(max(1, result.retry_after))}
    if result.status == "invalid":
        return 422, {}
    return 200, {}


def _render(app: web.Application, template: str, status: int = 200, **values: Any) -> web.Response:
    hotline = app[HOTLINE]
    html = app[JINJA].get_template(template).render(t=hotline.services.texts, money=money, **values)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status, headers=PRIVATE)


async def lists_page(request: web.Request) -> web.StreamResponse:
    """GET shows the form (and searches when name or id is in the query); POST searches the form."""
    hotline = request.app[HOTLINE]
    source: Any = await request.post() if request.method == "POST" else request.query
    name, code = _field(source.get("name")), _field(source.get("id"))
    if request.method == "GET" and not (name or "").strip() and not (code or "").strip():
        return _render(request.app, "lists/search.html", name="", result=None, message="")
    requester = Requester(address=request.remote or "unknown")
    result = await run_sync(request.app, _lookup, hotline, requester, name, code)
    status, headers = _status(result)
    message = "\n\n".join(chat_parts(hotline.services.texts, result)) if result.status != "found" else ""
    response = _render(
        request.app, "lists/search.html", status, name=(name or "").strip(), result=result, message=message
    )
    response.headers.update(headers)
    return response


async def search_json(request: web.Request) -> web.StreamResponse:
    hotline = request.app[HOTLINE]
    name, code = _field(request.query.get("name")), _field(request.query.get("id"))
    result = await run_sync(
        request.app, _lookup, hotline, Requester(address=request.remote or "unknown"), name, code
    )
    status, headers = _status(result)
    return _json(result_json(hotline.services.texts, result), status, headers)


def _notices(hotline: Hotline, notice_filter: NoticeFilter) -> NoticePage:
    today = _now(hotline).astimezone(ZoneInfo(hotline.settings.timezone)).date()
    with hotline.db.transaction() as session:
        return search_notices(session, notice_filter, today, hotline.services.courts)


def _notice_form(request: web.Request) -> dict[str, str]:
    return {
        key: (_field(request.query.get(key)) or "").strip() for key in ("court", "kind", "from", "to", "page")
    }


async def notices_page(request: web.Request) -> web.StreamResponse:
    form = _notice_form(request)
    try:
        notice_filter = parse_filter(form["court"], form["kind"], form["from"], form["to"], form["page"])
    except QueryError as error:
        return _render(
            request.app, "lists/notices.html", 422, form=form, kinds=NOTICE_KINDS, error=error.reason
        )
    page = await run_sync(request.app, _notices, request.app[HOTLINE], notice_filter)

    def page_query(number: int) -> str:
        return urlencode({**{k: v for k, v in form.items() if v and k != "page"}, "page": number})

    return _render(
        request.app,
        "lists/notices.html",
        form=form,
        kinds=NOTICE_KINDS,
        page=page,
        page_size=PAGE_SIZE,
        page_query=page_query,
        error=None,
    )


async def notices_json(request: web.Request) -> web.StreamResponse:
    form = _notice_form(request)
    try:
        notice_filter = parse_filter(form["court"], form["kind"], form["from"], form["to"], form["page"])
    except QueryError as error:
        return _errors(422, [{"path": error.field, "reason": error.reason}])
    page = await run_sync(request.app, _notices, request.app[HOTLINE], notice_filter)
    texts = request.app[HOTLINE].services.texts
    return _json(
        {
            "page": page.page,
            "has_more": page.has_more,
            "notices": [
                {
                    "id": notice.notice_id,
                    "kind": notice.kind,
                    "label": texts(f"lists.notice_kinds.{notice.kind}"),
                    "court": notice.court_name,
                    "title": notice.title,
                    "url": notice.url,
                    "case_no": notice.case_no,
                    "summary": notice.summary,
                    "published_on": notice.published_on.isoformat(),
                    "ends_on": notice.ends_on.isoformat() if notice.ends_on else None,
                }
                for notice in page.notices
            ],
        }
    )


async def _body(request: web.Request) -> Any:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise _Refused(_errors(413, [{"path": "", "reason": f"请求体不能超过{MAX_BODY // 1024}KB"}]))
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise _Refused(_errors(400, [{"path": "", "reason": "请求体不是有效的 JSON"}])) from None


class _Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        self.response = response


def _write_entry(hotline: Hotline, kind: str, entry_id: str, payload: ListEntryPayload) -> str:
    with hotline.db.transaction() as session:
        return upsert_entry(session, kind, entry_id, payload, hotline.services.courts)


def _write_notice(hotline: Hotline, notice_id: str, payload: NoticePayload) -> str:
    with hotline.db.transaction() as session:
        return upsert_notice(session, notice_id, payload, hotline.services.courts)


async def _store(request: web.Request, work: Any, *args: Any) -> str:
    hotline = request.app[HOTLINE]
    try:
        return str(await run_sync(request.app, work, hotline, *args))
    except IngestError as error:
        raise _Refused(_errors(422, error_list([error]))) from None
    except IntegrityError:
        # Two senders created the same id at once: the second one retries and updates.
        return str(await run_sync(request.app, work, hotline, *args))


@authenticated
async def put_entry(request: web.Request) -> web.StreamResponse:
    kind, entry_id = request.match_info["kind"], request.match_info["entry_id"]
    try:
        body = await _body(request)
        check_external_id(entry_id)
        payload = parse_entry(kind, body)
        outcome = await _store(request, _write_entry, kind, entry_id, payload)
    except _Refused as refused:
        return refused.response
    except ValidationError as error:
        return _errors(422, error_list(error))
    except IngestError as error:
        return _errors(422, error_list([error]))
    status = 201 if outcome == "inserted" else 200
    return _json({"kind": kind, "id": entry_id, "result": outcome}, status)


@authenticated
async def put_notice(request: web.Request) -> web.StreamResponse:
    notice_id = request.match_info["notice_id"]
    try:
        body = await _body(request)
        check_external_id(notice_id)
        payload = NoticePayload.model_validate(body)
        outcome = await _store(request, _write_notice, notice_id, payload)
    except _Refused as refused:
        return refused.response
    except ValidationError as error:
        return _errors(422, error_list(error))
    except IngestError as error:
        return _errors(422, error_list([error]))
    return _json({"id": notice_id, "result": outcome}, 201 if outcome == "inserted" else 200)


def setup(app: web.Application) -> None:
    """Mount the pages and endpoints; calling it again on the same app changes nothing."""
    if JINJA in app:
        return
    app[JINJA] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    app.router.add_get("/lists", lists_page)
    app.router.add_post("/lists", lists_page)
    app.router.add_get("/notices", notices_page)
    app.router.add_get(PREFIX + "/lists/search", search_json)
    app.router.add_get(PREFIX + "/notices", notices_json)
    app.router.add_put(PREFIX + "/lists/{kind}/entries/{entry_id}", put_entry)
    app.router.add_put(PREFIX + "/notices/{notice_id}", put_notice)

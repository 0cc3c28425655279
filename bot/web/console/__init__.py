"""The staff console (/console): mounts its pages, the sign-in guard and CSRF check, templates and CSS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

from bot.web.console import (
    actions,
    assist,
    audit,
    auth,
    csrf,
    gaps,
    locks,
    notify_page,
    queue,
    ticket_view,
    users,
)
from bot.web.console.access import ADMINS, DESK, EVERYONE, STAFF
from bot.web.console.auth import OPTIONS, ConsoleOptions
from bot.web.console.render import HEADERS, error_page, redirect, setup_templates

__all__ = ["ConsoleOptions", "setup"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PREFIX = "console."
CSS = Path(__file__).resolve().parent.parent / "static" / "console.css"
STYLESHEET = web.AppKey("console_css", bytes)
# Route name → the roles that may use it; None: open to anyone (the login page, the stylesheet).
GROUPS = web.AppKey("console_groups", dict[str, frozenset[str] | None])


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    name: str
    group: frozenset[str] | None


async def home(request: web.Request) -> web.Response:
    return redirect(auth.HOME)


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[STYLESHEET],
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"},
    )


ROUTES = (
    Route("GET", "/console/static/console.css", stylesheet, "css", None),
    Route("GET", "/console/login", auth.login_page, "login_page", None),
    Route("POST", "/console/login", auth.login, "login", None),
    Route("POST", "/console/logout", auth.logout, "logout", EVERYONE),
    Route("GET", "/console", home, "home", EVERYONE),
    Route("GET", "/console/tickets", queue.queue_page, "queue", EVERYONE),
    Route("GET", "/console/api/tickets", queue.queue_json, "queue_json", EVERYONE),
    Route("GET", "/console/tickets/{number}", ticket_view.ticket_page, "ticket", EVERYONE),
    Route("POST", "/console/tickets/{number}/reply", actions.reply, "reply", EVERYONE),
    Route("POST", "/console/tickets/{number}/note", actions.note, "note", EVERYONE),
    Route("POST", "/console/tickets/{number}/assign", actions.assign, "assign", EVERYONE),
    Route("POST", "/console/tickets/{number}/close", actions.close, "close", EVERYONE),
    Route("GET", "/console/assist", assist.assist_page, "assist", EVERYONE),
    Route("GET", "/console/locks", locks.locks_page, "locks", DESK),
    Route("POST", "/console/locks/lift", locks.lift, "lift", DESK),
    Route("GET", "/console/notify", notify_page.report_page, "notify", DESK),
    Route(
        "POST", "/console/notify/{notification_id}/reason", notify_page.record_delay_reason, "reason", DESK
    ),
    Route("GET", "/console/admin/users", users.users_page, "users", ADMINS),
    Route("POST", "/console/admin/users", users.create_user, "create_user", ADMINS),
    Route(
        "POST", "/console/admin/users/{account_id}/deactivate", users.deactivate_user, "deactivate", ADMINS
    ),
    Route("POST", "/console/admin/users/{account_id}/activate", users.activate_user, "activate", ADMINS),
    Route("GET", "/console/admin/gaps", gaps.gaps_page, "gaps", ADMINS),
    Route("GET", "/console/audit", audit.audit_page, "audit", ADMINS),
)


def _unauthenticated(request: web.Request) -> web.Response:
    if request.path.startswith("/console/api/"):
        return web.json_response({"error": "未登录或登录已过期"}, status=401, headers=HEADERS)
    if request.method != "GET":
        return redirect("/console/login")
    return redirect("/console/login?" + urlencode({"next": request.path_qs}))


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every console route: signed in (unless public), of a role that may use it, and a valid CSRF token."""
    name = request.match_info.route.name or ""
    groups = request.app.get(GROUPS, {})
    if not name.startswith(PREFIX) or name not in groups:
        return await handler(request)
    group = groups[name]
    if group is not None:
        staff = await auth.current_staff(request)
        if staff is None:
            return _unauthenticated(request)
        request[STAFF] = staff
        if not staff.may(group):
            return error_page(request, 403, "您的角色无权使用此功能。")
    if request.method == "POST" and not await csrf.check(request):
        return csrf.rejected(request)
    response = await handler(request)
    for header, value in HEADERS.items():
        response.headers.setdefault(header, value)
    return response


def setup(app: web.Application, options: ConsoleOptions | None = None) -> None:
    """Mount the console; calling it again on the same app changes nothing."""
    if GROUPS in app:
        return
    setup_templates(app)
    app[OPTIONS] = options or ConsoleOptions()
    app[STYLESHEET] = CSS.read_bytes()  # read when the app is built, served from memory
    app[GROUPS] = {}
    for route in ROUTES:
        app.router.add_route(route.method, route.path, route.handler, name=PREFIX + route.name)
        app[GROUPS][PREFIX + route.name] = route.group
    app.middlewares.append(guard)

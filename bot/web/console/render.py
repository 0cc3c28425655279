"""Rendering the console's pages: the jinja2 environment (autoescape on), shared values, errors, redirects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.web.console.access import ROLE_LABELS, STAFF
from bot.web.console.labels import AUTHOR_LABELS, CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS, local_time

JINJA = web.AppKey("console_jinja", jinja2.Environment)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Pages hold personal data: never cached, never framed, no referrer to other sites, no script at all.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    # same-origin: other sites learn nothing, and our own forms' POSTs carry our Origin for the CSRF check.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
# After a form is handled the browser is sent back with ?done=<key>; only these fixed words are shown.
DONE = {
    "reply": "答复已发送，来访人将在其使用的渠道收到。",
    "assign": "已改派。",
    "close": "工单已办结。",
    "note": "内部备注已记录。",
    "lift": "已解除锁定。",
    "none": "没有需要解除的锁定。",
    "deactivate": "账号已停用，其登录会话已失效。",
    "activate": "账号已启用。",
    "reason": "理由已记录。",
}


def setup_templates(app: web.Application) -> None:
    if JINJA in app:
        return
    aiohttp_jinja2.setup(
        app,
        app_key=JINJA,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        default_helpers=False,
        filters={"local_time": local_time},
    )


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    staff = request.get(STAFF)
    context: dict[str, Any] = {
        "staff": staff,
        "csrf": staff.csrf_token if staff is not None else "",
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "role_labels": ROLE_LABELS,
        "author_labels": AUTHOR_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "done": DONE.get(request.query.get("done", ""), ""),
        "path": request.path,
        **values,
    }
    response = aiohttp_jinja2.render_template(
        f"console/{template}", request, context, app_key=JINJA, status=status
    )
    response.headers.update(HEADERS)
    return response


def error_page(request: web.Request, status: int, message: str) -> web.Response:
    titles = {400: "请求有误", 403: "无权操作", 404: "未找到", 422: "无法处理"}
    return render(request, "error.html", status, title=titles.get(status, "出错了"), message=message)


def redirect(location: str) -> web.Response:
    """303 See Other: after a form, the browser fetches the page with GET."""
    return web.Response(status=303, headers={"Location": location, **HEADERS})

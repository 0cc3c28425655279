"""CSRF protection: a per-session token in every form, checked on every POST; the login form's own token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.console.access import STAFF
from bot.web.console.render import error_page
from bot.web.runtime import HOTLINE

FIELD = "csrf"
# Before anyone is signed in there is no session to hold the token: the login page sets a random nonce in a
# cookie and puts its HMAC (keyed by the server's secret) in the form, so a forged login cannot supply both.
LOGIN_NONCE = "hotline_console_login"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def login_token(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"console-login:{nonce}".encode(), hashlib.sha256).hexdigest()


def _same(expected: str, sent: str | None) -> bool:
    return bool(expected) and bool(sent) and hmac.compare_digest(expected.encode(), (sent or "").encode())


def _same_origin(request: web.Request) -> bool:
    """A browser names the site a POST came from; another site's page is refused even with a token.

    "null" (a privacy setting, a sandboxed frame) names no site: the token alone decides then."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.host


async def sent_token(request: web.Request) -> str | None:
    if request.content_type not in FORMS:
        return None
    form = await request.post()  # cached by aiohttp: the handler reads the same form again
    value = form.get(FIELD)
    return value if isinstance(value, str) else None


async def check(request: web.Request) -> bool:
    """Whether a POST carries the token of the session (or of the login page) and comes from this site."""
    if not _same_origin(request):
        return False
    sent = await sent_token(request)
    staff = request.get(STAFF)
    if staff is not None:
        return _same(staff.csrf_token, sent)
    nonce = request.cookies.get(LOGIN_NONCE, "")
    if not nonce:
        return False
    return _same(login_token(request.app[HOTLINE].settings.secret_key, nonce), sent)


def rejected(request: web.Request) -> web.Response:
    return error_page(
        request, 403, "安全校验未通过：页面已过期，或请求并非来自本工作台。请返回上一页，刷新后重新提交。"
    )

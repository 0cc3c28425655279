"""Signing in and out of the console: the login form, the session cookie (HttpOnly, SameSite=Lax), logout."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aiohttp import web

from bot.web.console.access import STAFF, Staff
from bot.web.console.csrf import LOGIN_NONCE, login_token
from bot.web.console.render import redirect, render
from bot.web.console.sessions import load_staff, sign_in, sign_out
from bot.web.runtime import HOTLINE, run_sync

COOKIE = "hotline_console"
COOKIE_PATH = "/console"
HOME = "/console/tickets"
MAX_LOGIN, MAX_PASSWORD, MAX_TOKEN = 64, 200, 100


@dataclass(frozen=True)
class ConsoleOptions:
    session_hours: float = 8.0  # a working day; then the staff member signs in again
    secure_cookies: bool | None = None  # None: Secure whenever the request came over HTTPS


OPTIONS = web.AppKey("console_options", ConsoleOptions)


async def current_staff(request: web.Request) -> Staff | None:
    token = request.cookies.get(COOKIE, "")
    if not token or len(token) > MAX_TOKEN:
        return None
    return await run_sync(request.app, load_staff, request.app[HOTLINE], token)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a console page of this site, never another site."""
    if value and value.startswith("/console/") and not value.startswith("//") and "\\" not in value:
        return value
    return HOME


def _secure(request: web.Request) -> bool:
    chosen = request.app[OPTIONS].secure_cookies
    return request.secure if chosen is None else chosen


def _login_form(request: web.Request, status: int = 200, error: str = "", login: str = "") -> web.Response:
    nonce = request.cookies.get(LOGIN_NONCE) or secrets.token_urlsafe(24)
    secret = request.app[HOTLINE].settings.secret_key
    response = render(
        request,
        "login.html",
        status,
        csrf=login_token(secret, nonce),
        error=error,
        login=login,
        next=safe_next(request.query.get("next")),
    )
    response.set_cookie(
        LOGIN_NONCE, nonce, httponly=True, samesite="Lax", secure=_secure(request), path=COOKIE_PATH
    )
    return response


async def login_page(request: web.Request) -> web.Response:
    if await current_staff(request) is not None:
        return redirect(safe_next(request.query.get("next")))
    return _login_form(request)


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    login_name = str(form.get("login", "")).strip()[:MAX_LOGIN]
    password = str(form.get("password", ""))[:MAX_PASSWORD]
    if not login_name or not password:
        return _login_form(request, 422, "请输入登录名和密码。", login_name)
    hours = request.app[OPTIONS].session_hours
    outcome = await run_sync(request.app, sign_in, request.app[HOTLINE], login_name, password, hours)
    if isinstance(outcome, str):
        return _login_form(request, 401, outcome, login_name)
    response = redirect(safe_next(str(form.get("next", ""))))
    response.set_cookie(
        COOKIE,
        outcome.token,
        max_age=int(hours * 3600),
        httponly=True,
        samesite="Lax",
        secure=_secure(request),
        path=COOKIE_PATH,
    )
    response.del_cookie(LOGIN_NONCE, path=COOKIE_PATH)
    return response


async def logout(request: web.Request) -> web.Response:
    await run_sync(request.app, sign_out, request.app[HOTLINE], request[STAFF])
    response = redirect("/console/login")
    response.del_cookie(COOKIE, path=COOKIE_PATH)
    return response

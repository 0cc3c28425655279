"""Every console route, read from the app's own router: without a session it redirects (HTML) or says 401 (JSON)."""

from __future__ import annotations

import re

from aiohttp import web

from bot.web.console import GROUPS, PREFIX
from tests.web.console.conftest import Client, People, form_token, sign_in

PUBLIC = {"console.css", "console.login_page", "console.login"}
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


def console_routes(app: web.Application) -> list[tuple[str, str, str]]:
    """(method, a concrete path, route name) for every route whose path is under /console."""
    routes = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if route.method == "HEAD" or not (path == "/console" or path.startswith("/console/")):
            continue
        routes.append((route.method, _PLACEHOLDER.sub("1", path), route.name or ""))
    return routes


def test_every_console_route_is_known_to_the_guard(console_app: web.Application) -> None:
    routes = console_routes(console_app)
    assert len(routes) >= 20
    groups = console_app[GROUPS]
    unguarded = [
        (method, path) for method, path, name in routes if not name.startswith(PREFIX) or name not in groups
    ]
    assert unguarded == []
    assert {name for name, group in groups.items() if group is None} == PUBLIC


async def test_every_route_without_a_session_is_sent_to_login(client: Client) -> None:
    app = client.server.app
    assert app is not None
    checked = 0
    for method, path, name in console_routes(app):
        if name in PUBLIC:
            continue
        response = await client.request(method, path, data={"csrf": "x"}, allow_redirects=False)
        if path.startswith("/console/api/"):
            assert response.status == 401, (method, path)
            assert "未登录" in (await response.json())["error"]
        else:
            assert response.status == 303, (method, path, response.status)
            assert response.headers["Location"].startswith("/console/login"), (method, path)
        checked += 1
    assert checked >= 15


async def test_the_login_page_keeps_where_the_user_was_going(client: Client) -> None:
    response = await client.get("/console/tickets?kind=complaint", allow_redirects=False)
    assert response.headers["Location"] == "/console/login?next=%2Fconsole%2Ftickets%3Fkind%3Dcomplaint"


ALLOWED = {
    "judge1": {
        "/console/locks": 403,
        "/console/notify": 403,
        "/console/admin/users": 403,
        "/console/assist": 200,
    },
    "operator": {
        "/console/admin/users": 403,
        "/console/admin/gaps": 403,
        "/console/audit": 403,
        "/console/locks": 200,
    },
    "admin": {
        "/console/admin/gaps": 200,
        "/console/audit": 200,
        "/console/notify": 200,
        "/console/locks": 200,
    },
}


async def test_roles_open_only_their_pages(client: Client, people: People) -> None:
    for login, paths in ALLOWED.items():
        await sign_in(client, login)
        for path, status in paths.items():
            response = await client.get(path)
            assert response.status == status, (login, path)
            if status == 403:
                assert "无权" in await response.text()


async def test_a_forbidden_post_changes_nothing(client: Client, people: People) -> None:
    await sign_in(client, "judge1")
    token = await form_token(client)
    response = await client.post(
        "/console/admin/users", data={"csrf": token, "login": "sneaky", "name": "x", "role": "admin"}
    )
    assert response.status == 403
    await sign_in(client, "admin")
    assert "sneaky" not in await (await client.get("/console/admin/users")).text()


async def test_pages_are_not_cached_framed_or_scripted(client: Client, people: People) -> None:
    await sign_in(client, "operator")
    response = await client.get("/console/tickets")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script" not in response.headers["Content-Security-Policy"]  # default-src 'none' covers it
    assert "<script" not in await response.text()

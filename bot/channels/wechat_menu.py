"""The official account's custom menu: the hotline's menu items grouped under WeChat's three buttons."""

from __future__ import annotations

from typing import Any

from bot.core.context import Services
from bot.core.texts import TextMissing

# WeChat allows three top-level buttons of up to five items each. The court may set its own grouping in
# data/texts.yaml under wechat.menu (a list of {name, keys}); this is the grouping used until it does.
DEFAULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("查询服务", ("case_query", "ticket_status", "list_search")),
    ("诉求办理", ("complaint", "judge_contact", "suggestion")),
    ("咨询指南", ("consult", "directory")),
)
MAX_BUTTONS, MAX_ITEMS = 3, 5


def groups_of(services: Services) -> list[tuple[str, list[str]]]:
    try:
        configured = services.texts.raw("wechat.menu")
        groups = [(str(group["name"]), [str(key) for key in group["keys"]]) for group in configured]
    except TextMissing:
        groups = [(name, list(keys)) for name, keys in DEFAULT_GROUPS]
    known = {item.key for item in services.menu}
    placed = {key for _, keys in groups for key in keys}
    # A menu item added later still gets a place: the first group with room.
    for item in services.menu:
        if item.key not in placed:
            room = next((keys for _, keys in groups if len(keys) < MAX_ITEMS), None)
            if room is not None:
                room.append(item.key)
    return [(name, [key for key in keys if key in known]) for name, keys in groups][:MAX_BUTTONS]


def menu_json(services: Services) -> dict[str, Any]:
    """The body of menu/create: CLICK buttons whose key is the menu item's key (the webhook maps it back)."""
    labels = {item.key: item.label for item in services.menu}
    buttons: list[dict[str, Any]] = []
    for name, keys in groups_of(services):
        items = [{"type": "click", "name": labels[key], "key": key} for key in keys[:MAX_ITEMS]]
        if len(items) == 1:
            buttons.append(items[0])
        elif items:
            buttons.append({"name": name, "sub_button": items})
    return {"button": buttons}

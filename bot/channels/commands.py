"""`hotline telegram` (long polling, webhook set-up) and `hotline wechat menu` (print or publish the menu)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bot.config import Settings


def add_parsers(sub: Any) -> None:
    telegram = sub.add_parser("telegram", help="运行 Telegram 机器人（长轮询），或设置、删除 Webhook")
    telegram.add_argument("--set-webhook", metavar="URL", help="改用 Webhook：登记 URL（须为 https）")
    telegram.add_argument("--delete-webhook", action="store_true", help="删除已登记的 Webhook")
    telegram.set_defaults(run=cmd_telegram)
    wechat = sub.add_parser("wechat", help="微信公众号：打印或发布自定义菜单")
    wechat.add_argument("action", choices=["menu"])
    wechat.add_argument("--publish", action="store_true", help="调用公众号接口发布菜单")
    wechat.set_defaults(run=cmd_wechat)


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    from telegram.error import InvalidToken, TelegramError

    from bot.channels import telegram_polling

    if not settings.telegram_token:
        print("hotline: 未配置 HOTLINE_TELEGRAM_TOKEN", file=sys.stderr)
        return 2
    # Error texts are ours, not the library's: its InvalidToken message quotes the token.
    try:
        if args.set_webhook:
            asyncio.run(telegram_polling.set_webhook(settings, args.set_webhook))
            print(f"已登记 Webhook：{args.set_webhook}")
            return 0
        if args.delete_webhook:
            asyncio.run(telegram_polling.delete_webhook(settings))
            print("已删除 Webhook")
            return 0
        from bot.hotline import build_hotline

        hotline = build_hotline(settings)
        try:
            telegram_polling.main(hotline)
        finally:
            hotline.close()
    except InvalidToken:
        print("hotline: Telegram 拒绝了机器人令牌（HOTLINE_TELEGRAM_TOKEN）", file=sys.stderr)
        return 2
    except TelegramError as error:
        print(f"hotline: Telegram 接口出错（{type(error).__name__}）", file=sys.stderr)
        return 1
    return 0


def cmd_wechat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.wechat_client import SendFailed, make_client
    from bot.channels.wechat_menu import menu_json
    from bot.hotline import load_services

    menu = menu_json(load_services(settings))
    print(json.dumps(menu, ensure_ascii=False, indent=2))
    if not args.publish:
        return 0
    client = make_client(settings)
    if client is None:
        print("hotline: 发布菜单需要 HOTLINE_WECHAT_APP_ID 和 HOTLINE_WECHAT_APP_SECRET", file=sys.stderr)
        return 2
    try:
        client.publish_menu(menu)
    except SendFailed as error:
        print(f"hotline: 菜单发布失败（{error}）", file=sys.stderr)
        return 1
    print("菜单已发布", file=sys.stderr)
    return 0

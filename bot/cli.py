"""The `hotline` command line: chat, ask, serve, check, and the staff tools (contracts in docs/architecture.md)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import Settings, load_settings
from bot.hotline import Hotline, build_hotline
from bot.storage.db import StorageUnavailable

Command = Callable[[argparse.Namespace, Settings], int]


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.case_lookup.demo import ensure_demo
    from bot.channels.console import ConsoleChannel, run_chat

    hotline = _open(settings)
    try:
        if sys.stdin.isatty():
            print("正在准备演示数据（仅首次运行需要十几秒）……", flush=True)
        demo = ensure_demo(hotline)
        if demo and sys.stdin.isatty():
            case = demo.cases[0]
            print(f"演示数据已载入。试试“案件查询”：案号 {case.case_no}，查询密码 {case.password}；")
            print("全部演示案件与工作台账号：hotline seed-demo\n")
        run_chat(ConsoleChannel(hotline.dialogue, args.user))
    finally:
        hotline.close()
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.console import ConsoleChannel
    from bot.web.chat_api import reply_json

    hotline = _open(settings)
    channel = ConsoleChannel(hotline.dialogue, args.user, args.channel)
    try:
        for reply in channel.converse(sys.stdin):
            print(json.dumps(reply_json(reply, explain=args.explain), ensure_ascii=False), flush=True)
    finally:
        hotline.close()
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from aiohttp import web

    from bot.web.app import create_app

    web.run_app(create_app(settings), host=args.host, port=args.port, access_log=None)
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.identity.check import check

    for value in args.values:
        print(json.dumps(check(args.kind, value), ensure_ascii=False))
    return 0


def cmd_faq(args: argparse.Namespace, settings: Settings) -> int:
    from bot.commands import faq

    if args.action == "eval":
        results = faq.evaluate(Path(args.file), settings)
        print(faq.format_results(results))
        return 0
    hotline = _open(settings)
    try:
        for question, count, best in faq.gaps(hotline, args.limit):
            print(f"{count:5d}  {question}" + (f"  (最接近：{best})" if best else ""))
    finally:
        hotline.close()
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.faq import FaqError

    if args.kind == "lists":
        from bot.public_lists.importer import import_lists

        hotline = _open(settings)
        try:
            summary = import_lists(Path(args.file), hotline.db, hotline.services.courts)
        finally:
            hotline.close()
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
        return 1 if summary.errors else 0
    if args.kind in ("cases", "events"):
        from bot.case_lookup.importer import command

        return command(args.kind, Path(args.file), settings)

    if args.kind == "faq":
        from bot.commands.faq import import_faq

        try:
            print(import_faq(Path(args.file), settings))
        except FaqError as error:
            print(f"hotline: {error}", file=sys.stderr)
            return 1
        return 0
    print(f"hotline: 暂不支持导入 {args.kind}", file=sys.stderr)
    return 2


def cmd_notify(args: argparse.Namespace, settings: Settings) -> int:
    from bot.notify.cli import command

    return command(args, settings)


def cmd_seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.case_lookup.demo import format_demo, seed_demo

    hotline = _open(settings)
    catalogue = hotline.services.catalogue
    assert catalogue is not None
    try:
        demo = seed_demo(hotline.db, settings, catalogue, hotline.services.courts)
    finally:
        hotline.close()
    print(json.dumps(demo.as_json(), ensure_ascii=False) if args.json else format_demo(demo, catalogue))
    return 0


def _open(settings: Settings) -> Hotline:
    return build_hotline(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hotline", description="浙江法院 12368 执行服务热线智能助手")
    parser.add_argument("--database-url", help="覆盖 HOTLINE_DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="在终端与热线助手对话")
    chat.add_argument("--user", default="local")
    chat.set_defaults(run=cmd_chat)

    ask = sub.add_parser("ask", help="从标准输入逐行提问，每行输出一个 JSON 回复")
    ask.add_argument("--user", default="cli")
    ask.add_argument("--channel", default="console")
    ask.add_argument("--explain", action="store_true")
    ask.set_defaults(run=cmd_ask)

    serve = sub.add_parser(
        "serve", help="启动 Web 服务（网页聊天、公众号与 Telegram 回调、管理接口、工作台）"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.set_defaults(run=cmd_serve)

    seed = sub.add_parser("seed-demo", help="写入演示数据，并列出查询密码与工作台账号")
    seed.add_argument("--json", action="store_true")
    seed.set_defaults(run=cmd_seed_demo)

    check = sub.add_parser("check", help="校验并规范化案号、身份证号、统一社会信用代码")
    check.add_argument("kind", choices=["case-no", "id", "uscc"])
    check.add_argument("values", nargs="+")
    check.set_defaults(run=cmd_check)

    faq = sub.add_parser("faq", help="知识库：评测（eval FILE）、未答问题统计（gaps）")
    faq.add_argument("action", choices=["eval", "gaps"])
    faq.add_argument("file", nargs="?", help="eval 的问题集（JSON Lines，格式同 dev-questions.jsonl）")
    faq.add_argument("--limit", type=int, default=30)
    faq.set_defaults(run=cmd_faq)

    load = sub.add_parser("import", help="导入数据：faq FILE.yaml；cases / events / lists FILE.jsonl")
    load.add_argument("kind", choices=["faq", "cases", "events", "lists"])
    load.add_argument("file")
    load.set_defaults(run=cmd_import)

    from bot.notify.cli import add_parser as add_notify_parser

    add_notify_parser(sub).set_defaults(run=cmd_notify)

    from bot.channels.commands import add_parsers as add_channel_parsers

    add_channel_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    try:
        return int(args.run(args, settings))
    except StorageUnavailable as error:
        print(f"hotline: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

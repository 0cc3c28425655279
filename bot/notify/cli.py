"""`hotline notify run|report|reason|templates`: the SMS platform's commands for staff and operators."""

from __future__ import annotations

import argparse
import getpass
import signal
import threading
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.notify.report import Overdue, ReportRow
    from bot.notify.rules import NotifyRules


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应如 2024-05-01") from None


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Register `notify` and its actions on the main parser; each action sets `notify_action`."""
    notify = sub.add_parser(
        "notify", help="短信告知：发送（run）、合规报表（report）、记录理由（reason）、检查模板（templates）"
    )
    actions = notify.add_subparsers(dest="notify_action", required=True)
    run = actions.add_parser("run", help="发送到期的短信告知")
    run.add_argument("--once", action="store_true", help="发完当前到期的短信即退出")
    run.add_argument("--batch", type=int, default=None, help="每批领取的条数")
    report = actions.add_parser("report", help="按法院、按规则统计按时、逾期、未告知及理由记录")
    report.add_argument("--court", help="法院代字（如 浙0102）或法院名称的一部分")
    report.add_argument(
        "--from", dest="date_from", type=_day, help="告知期限最后一日不早于此日（YYYY-MM-DD）"
    )
    report.add_argument("--to", dest="date_to", type=_day, help="告知期限最后一日不晚于此日（YYYY-MM-DD）")
    report.add_argument("--csv", type=Path, help="另存为 CSV 文件")
    report.add_argument("--list", action="store_true", help="列出尚未说明理由的逾期或未告知短信")
    reason = actions.add_parser("reason", help="为逾期或未发送的短信记录理由")
    reason.add_argument("id", type=int, help="通知编号（见 report --list）")
    reason.add_argument("text", help="理由")
    reason.add_argument("--by", help="记录人（默认为当前系统用户）")
    actions.add_parser("templates", help="检查短信模板并显示每条短信的条数")
    return notify


def command(args: argparse.Namespace, settings: Settings) -> int:
    action = args.notify_action
    if action == "run":
        return run(settings, once=args.once, batch=args.batch)
    if action == "report":
        return report(settings, args.court, args.date_from, args.date_to, args.csv, args.list)
    if action == "reason":
        return reason(settings, args.id, args.text, args.by or getpass.getuser())
    return templates(settings)


def _rules(settings: Settings) -> NotifyRules:
    from bot.notify.rules import load_rules

    return load_rules(settings.data_dir, hotline=settings.hotline_phone)


def run(settings: Settings, *, once: bool, batch: int | None) -> int:
    from bot.notify.dispatcher import Dispatcher
    from bot.notify.gateways import GatewayConfigError, build_gateway
    from bot.storage.db import open_database

    try:
        gateway = build_gateway(settings)
    except GatewayConfigError as error:
        print(f"hotline: {error}")
        return 2
    db = open_database(settings.database_url, settings.db_pool_size)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # The batch in hand is finished and marked before the dispatcher stops.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    try:
        tally = Dispatcher(db, gateway, settings).run(once=once, batch=batch, stop=stop)
    finally:
        gateway.close()
        db.dispose()
    print(tally.summary())
    return 0


def report(
    settings: Settings,
    court: str | None,
    date_from: date | None,
    date_to: date | None,
    csv_path: Path | None,
    show_list: bool,
) -> int:
    from bot.notify.report import ReportFilter, compliance, overdue, write_csv
    from bot.storage.db import open_database
    from bot.storage.models.core import utcnow

    rules = _rules(settings)
    chosen = ReportFilter(court, date_from, date_to)
    db = open_database(settings.database_url, settings.db_pool_size)
    try:
        with db.transaction() as session:
            now = utcnow()
            rows = compliance(session, rules, chosen, now)
            late = overdue(session, chosen, now) if show_list else []
    finally:
        db.dispose()
    print(format_report(rows))
    if show_list:
        print()
        print(format_overdue(late, rules))
    if csv_path is not None:
        write_csv(rows, csv_path)
        print(f"已保存到 {csv_path}")
    return 0


def reason(settings: Settings, notification_id: int, text: str, who: str) -> int:
    from bot.notify.reasons import ReasonError, record_reason
    from bot.storage.db import open_database

    db = open_database(settings.database_url, settings.db_pool_size)
    try:
        with db.transaction() as session:
            item = record_reason(session, notification_id, text, who)
    except ReasonError as error:
        print(f"hotline: {error}")
        return 1
    finally:
        db.dispose()
    print(f"已记录通知 {notification_id} 的理由（记录人：{item.recorded_by}）")
    return 0


def templates(settings: Settings) -> int:
    from bot.notify.rules import RulesError
    from bot.notify.templates import SAMPLE, segments

    try:
        rules = _rules(settings)
    except RulesError as error:
        print(f"hotline: {error}")
        return 1
    print(
        f"示例：{SAMPLE['court']}，{SAMPLE['case_no']}，摘要按“{SAMPLE['summary']}”计；实际条数随内容变化。"
    )
    for rule in rules.rules:
        roles = "、".join(rules.role_labels[role] for role in rule.recipients)
        print(f"§{rule.section} {rule.code}：{rule.title}（{rule.deadline_label}，告知{roles}）")
        texts = [("模板", rule.template.text)]
        if rule.template.fallback:
            texts.append(("备用", rule.template.fallback))
        for label, template in texts:
            sample = template.format_map(
                {
                    **SAMPLE,
                    "event": rules.kind_labels[rule.kinds[0]],
                    "role": rules.role_labels[rule.recipients[0]],
                }
            )
            print(f"  {label}：{len(sample)}字，{segments(sample)}条  {sample}")
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(value) for value in row] for row in [header, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_report(rows: list[ReportRow]) -> str:
    from bot.notify.report import totals

    if not rows:
        return "所选范围内没有短信告知记录。"
    header = (
        "法院",
        "条款",
        "规则",
        "应告知",
        "按时",
        "逾期",
        "未告知",
        "待发送",
        "已说明理由",
        "未说明理由",
    )
    numbers = ("due", "on_time", "late", "missing", "waiting", "explained", "unexplained")
    body = [
        [row.court_name, row.section, row.rule, *(getattr(row, name) for name in numbers)]
        for row in [*rows, totals(rows)]
    ]
    return _table(header, body)


def format_overdue(items: list[Overdue], rules: NotifyRules) -> str:
    from bot.notify.deadlines import SHANGHAI, as_utc

    if not items:
        return "没有尚未说明理由的逾期或未告知短信。"
    states = {
        "sent": "逾期发送",
        "pending": "未发送",
        "failed": "发送失败",
        "dead": "多次失败",
        "skipped": "未发送",
    }
    header = ("编号", "案号", "规则", "收件人", "期限", "状态", "发送时间", "原因")
    body = [
        (
            item.id,
            item.case_no,
            item.rule,
            rules.role_labels.get(item.recipient_role, item.recipient_role),
            item.due_day.isoformat(),
            states.get(item.state, item.state),
            as_utc(item.sent_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if item.sent_at else "",
            item.problem or "",
        )
        for item in items
    ]
    return _table(header, body) + '\n记录理由：hotline notify reason 编号 "理由"'

"""SMS gateways: `log` (a file and the console, for the embedded default) and `http` (JSON POST)."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

from bot.config import Settings
from bot.identity.masking import mask_in_text, mask_phone
from bot.notify.templates import segments
from bot.storage.models.core import utcnow

Outcome = Literal["sent", "retry", "failed"]
# Worth trying again later: the gateway is busy, down or slow. Any other 4xx means the message itself is
# refused, and sending it again would be refused again.
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Outgoing:
    notification_id: int  # 0 for a text that is not a case notice (a chat push sent by SMS)
    key: str
    phone: str
    text: str


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    ref: str | None = None
    error: str | None = None  # in Chinese, never with the phone number or the text


class Gateway(Protocol):
    concurrency: int

    def send(self, message: Outgoing) -> Delivery: ...

    def close(self) -> None: ...


class GatewayConfigError(ValueError):
    """The settings name no usable gateway."""


class LogGateway:
    """Appends each message to a file as a JSON line and echoes it, phones masked in both."""

    concurrency = 1

    def __init__(
        self, path: Path, echo: Callable[[str], None] | None = print, clock: Callable[[], datetime] = utcnow
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.echo = echo
        self.clock = clock
        self._lock = threading.Lock()
        self._handle = path.open("a", encoding="utf-8")

    def send(self, message: Outgoing) -> Delivery:
        masked_phone, masked_text = mask_phone(message.phone), mask_in_text(message.text)
        count = segments(message.text)
        record = {
            "at": self.clock().isoformat(timespec="seconds"),
            "key": message.key,
            "to": masked_phone,
            "segments": count,
            "text": masked_text,
        }
        with self._lock:
            self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._handle.flush()
        if self.echo is not None:
            self.echo(f"短信 → {masked_phone}（{count}条）{masked_text}")
        return Delivery("sent", ref=f"log:{message.key}")

    def close(self) -> None:
        self._handle.close()


class HttpGateway:
    """POSTs {"phone", "text", "key"} as JSON, with the key in an Idempotency-Key header.

    One kept-alive connection per sending thread. 2xx and 409 (the key was already accepted) count as
    sent; 408, 425, 429, 5xx, timeouts and connection errors are retried later; other 4xx fail the row.
    """

    def __init__(self, url: str, token: str = "", timeout: float = 10.0, concurrency: int = 8) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GatewayConfigError(
                "短信网关地址（HOTLINE_SMS_HTTP_URL）应为 http:// 或 https:// 开头的网址"
            )
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.token, self.timeout, self.concurrency = token, timeout, max(1, concurrency)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[http.client.HTTPConnection] = []

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            connection = cls(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def send(self, message: Outgoing) -> Delivery:
        body = json.dumps(
            {"phone": message.phone, "text": message.text, "key": message.key}, ensure_ascii=False
        ).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for first_try in (True, False):
            connection = self._connection()
            reused = connection.sock is not None
            try:
                connection.request("POST", self.path, body, headers)
                response = connection.getresponse()
                data = response.read()
            except TimeoutError:
                connection.close()
                return Delivery("retry", error=f"网关超时（{self.timeout:g}秒）")
            except (http.client.HTTPException, OSError) as error:
                connection.close()
                # A kept-alive connection the server has since closed: try once more on a fresh one. If the
                # first request did arrive, the gateway recognises the key.
                if (
                    first_try
                    and reused
                    and isinstance(error, ConnectionError | http.client.RemoteDisconnected)
                ):
                    continue
                return Delivery("retry", error=f"无法连接短信网关（{type(error).__name__}）")
            return _outcome(response.status, data)
        return Delivery("retry", error="无法连接短信网关")

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


def _outcome(status: int, data: bytes) -> Delivery:
    if 200 <= status < 300 or status == 409:
        return Delivery("sent", ref=_reference(data))
    if status >= 500 or status in RETRY_STATUSES:
        return Delivery("retry", error=f"短信网关暂时不可用（HTTP {status}）")
    return Delivery("failed", error=f"短信网关拒绝发送（HTTP {status}）")


def _reference(data: bytes) -> str | None:
    try:
        answer = json.loads(data)
    except ValueError:
        return None
    if isinstance(answer, dict):
        for name in ("id", "message_id", "msg_id"):
            value = answer.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)[:100]
    return None


def build_gateway(settings: Settings, echo: Callable[[str], None] | None = print) -> Gateway:
    """The gateway the settings name (HOTLINE_SMS_GATEWAY = log | http)."""
    if settings.sms_gateway == "log":
        return LogGateway(settings.sms_log_path, echo)
    if settings.sms_gateway == "http":
        return HttpGateway(
            settings.sms_http_url,
            settings.sms_http_token,
            settings.sms_http_timeout,
            settings.sms_concurrency,
        )
    raise GatewayConfigError(f"未知的短信网关“{settings.sms_gateway}”：应为 log 或 http")

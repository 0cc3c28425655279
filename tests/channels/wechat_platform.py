"""The WeChat platform's side of a callback, built with wechatpy's own crypto as the platform does it."""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from tests.channels.fakes import fixture

ACCOUNT = "gh_12368court"
# EncodingAESKey as the account console shows it: 43 characters of base64 for a 32-byte key.
AES_KEY = base64.b64encode(hashlib.sha256(b"12368-test").digest()).decode().rstrip("=")
TOKEN = "wechat-test-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "wechat-app-secret-do-not-log"


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


@dataclass
class WeChatPlatform:
    """mode: "plain" (明文), "compatible" (兼容: plaintext and Encrypt) or "safe" (安全: Encrypt only)."""

    mode: str = "plain"
    token: str = TOKEN
    aes_key: str = AES_KEY
    app_id: str = APP_ID
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(24_000_000_000_000_100))

    def message(
        self, kind: str, open_id: str, content: str = "", msg_id: int | None = None, **extra: Any
    ) -> str:
        create_time = extra.get("create_time", int(time.time()))
        return fixture(f"wechat/{kind}.xml").format(
            account=ACCOUNT,
            open_id=open_id,
            create_time=create_time,
            content=content,
            msg_id=msg_id if msg_id is not None else next(self.ids),
        )

    def request(self, xml: str, nonce: str = "nonce123") -> tuple[dict[str, str], str]:
        """The query string and body WeChat posts for this message in this mode."""
        timestamp = str(int(time.time()))
        query = {"signature": signature(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
        sender = re.search(r"<FromUserName><!\[CDATA\[(.*?)\]\]>", xml)
        query["openid"] = sender.group(1) if sender else ""
        if self.mode == "plain":
            return query, xml
        key = base64.b64decode(self.aes_key + "=")
        encrypted = PrpCrypto(key).encrypt(xml, self.app_id).decode()
        query.update(encrypt_type="aes", msg_signature=signature(self.token, timestamp, nonce, encrypted))
        if self.mode == "safe":
            body = f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        else:
            body = xml.replace("</xml>", f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>\n</xml>")
        return query, body

    def open_reply(self, body: str) -> dict[str, Any]:
        """The reply's fields, decrypted (and its signature checked) in the encrypted modes."""
        if self.mode != "plain":
            outer = xmltodict.parse(body)["xml"]
            crypto = WeChatCrypto(self.token, self.aes_key, self.app_id)
            body = crypto.decrypt_message(body, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        fields: dict[str, Any] = xmltodict.parse(body)["xml"]
        return fields

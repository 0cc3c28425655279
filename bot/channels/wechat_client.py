"""WeChat's API client for this hotline: base URL from settings, the stable access token, text messages."""

from __future__ import annotations

import time
from typing import Any

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from bot.channels.redaction import protect_secret
from bot.config import Settings

# errcode 45015: the user has not written within 48 hours, customer-service messages are refused.
OUT_OF_WINDOW = 45015


class SendFailed(Exception):
    """WeChat refused a message (errcode set) or could not be reached (errcode None). The text never holds a
    URL: the client's URLs carry the access token."""

    def __init__(self, errcode: int | None, reason: str) -> None:
        super().__init__(f"WeChat errcode {errcode}: {reason}" if errcode is not None else reason)
        self.errcode = errcode


class HotlineWeChatClient(WeChatClient):
    """wechatpy's client, synchronous (call it from a worker thread), with two changes:

    - the API base URL comes from settings (the class attribute, shadowed per instance), so tests can
      point it at a local fake and a proxy can sit in front;
    - the access token comes from stable_token, which returns the same token to every caller: several
      worker processes each holding a client no longer invalidate each other's token as /token does."""

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        super().__init__(settings.wechat_app_id, settings.wechat_app_secret, timeout=timeout)
        self.API_BASE_URL = settings.wechat_api_base_url
        protect_secret(settings.wechat_app_secret)

    def fetch_access_token(self) -> dict[str, Any]:
        response = self._http.post(
            f"{self.API_BASE_URL}stable_token",
            json={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            timeout=self.timeout,
        )
        result: dict[str, Any] = response.json()
        if result.get("errcode"):
            raise WeChatClientException(
                result["errcode"], result.get("errmsg", ""), client=self, response=response
            )
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result

    def publish_menu(self, menu: dict[str, Any]) -> None:
        """menu/create; raises SendFailed."""
        try:
            self.menu.create(menu)
        except WeChatClientException as error:
            raise SendFailed(error.errcode, str(error.errmsg)) from None
        except requests.RequestException as error:
            raise SendFailed(None, f"WeChat unreachable ({type(error).__name__})") from None

    def send_texts(self, open_id: str, texts: list[str]) -> None:
        """Customer-service text messages, in order; raises SendFailed."""
        try:
            for text in texts:
                self.message.send_text(open_id, text)
        except WeChatClientException as error:
            raise SendFailed(error.errcode, str(error.errmsg)) from None
        except requests.RequestException as error:
            raise SendFailed(None, f"WeChat unreachable ({type(error).__name__})") from None


def make_client(settings: Settings) -> HotlineWeChatClient | None:
    """The client when the account's AppID and AppSecret are configured; without them the hotline still
    answers passively but cannot send late replies, long replies' later parts, or pushes."""
    if not settings.wechat_app_id or not settings.wechat_app_secret:
        return None
    return HotlineWeChatClient(settings)

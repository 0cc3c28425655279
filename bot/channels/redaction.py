"""Keeping platform secrets out of logs: HTTP clients log request URLs, and Telegram's URLs hold the bot token."""

from __future__ import annotations

import logging

MASK = "<redacted>"
# They log full request URLs at INFO/DEBUG: the Bot API URL contains the token, WeChat's the access token.
URL_LOGGERS = ("httpx", "httpcore", "urllib3", "requests", "telegram.Bot", "telegram.request")


class SecretFilter(logging.Filter):
    """Replaces a secret wherever it would appear in a formatted record, including a traceback."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, MASK), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, MASK)
        return True


def redact(text: str, secret: str) -> str:
    return text.replace(secret, MASK) if secret else text


def protect_secret(secret: str) -> None:
    """Quiet the URL-logging clients and mask the secret in every record the root handlers write.

    Call after logging is configured; handlers added later are not covered, hence the quiet loggers."""
    if not secret:
        return
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, SecretFilter) and f.secret == secret for f in handler.filters):
            handler.addFilter(SecretFilter(secret))

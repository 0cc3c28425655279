"""Settings from the environment (prefix HOTLINE_) and an optional .env file; every default works as is."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTLINE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/hotline.db"
    data_dir: Path = REPO_ROOT / "data"
    timezone: str = "Asia/Shanghai"
    hotline_phone: str = "12368"

    # Worker threads that run synchronous turns for the async web edge; sized to the DB pool.
    workers: int = 8
    db_pool_size: int = 10

    # Bearer tokens the court's enforcement management system may use (comma separated).
    api_tokens: list[str] = Field(default_factory=list)
    # Signs web-chat and staff-console cookies; a fixed default only suits the embedded demo.
    secret_key: str = "change-me-in-production-12368"

    # Party verification (argon2id). Tests lower the cost; production keeps the library defaults.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    verified_minutes: int = 15

    # A running server checks data/faq and data/knowledge this often and reloads them when changed.
    knowledge_reload_seconds: float = 10.0

    # Turn input bound: longer messages are cut here (and the user told) rather than stored whole.
    max_message_chars: int = 2000

    # Channels.
    telegram_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_aes_key: str = ""

    # SMS gateway: "log" writes to var/sms.log; "http" posts JSON to sms_http_url.
    sms_gateway: str = "log"
    sms_http_url: str = ""
    sms_http_token: str = ""
    sms_max_attempts: int = 6

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (tests and CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]

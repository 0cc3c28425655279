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
    # Turn lanes: each serves, as one transaction, the messages that queued while its last batch ran.
    turn_lanes: int = 2
    turn_batch: int = 64

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

    # Public-list queries (§3.5) per chat user / per network address in each window (anti-scraping).
    list_queries_per_user: int = 30
    list_queries_per_address: int = 120
    list_query_window_seconds: int = 3600

    # Channels.
    telegram_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_aes_key: str = ""
    # Telegram's limits: about one message a second per chat and thirty a second overall (per process: with
    # several worker processes sending, give each its share).
    telegram_chat_rate: float = 1.0
    telegram_global_rate: float = 30.0
    # WeChat's API (tests point it at a local fake); the passive-reply budget: WeChat waits 5 s and retries,
    # so a turn not done by then is answered "success" and its reply sent as a customer-service message.
    wechat_api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_reply_seconds: float = 3.5
    # WeChat accepts customer-service messages this long after the user's last message or menu click.
    wechat_window_hours: float = 48.0
    # Channel deliverers look for queued pushes (staff replies, notices) this often; 0 turns them off.
    push_interval_seconds: float = 5.0

    # SMS gateway: "log" writes to var/sms.log; "http" posts JSON to sms_http_url.
    sms_gateway: str = "log"
    sms_http_url: str = ""
    sms_http_token: str = ""
    sms_max_attempts: int = 6
    sms_http_timeout: float = 10.0
    sms_log_path: Path = Path("var/sms.log")
    # Retries wait base × 2^(attempt−1) seconds, capped; a claimed row is held for the lease, after which a
    # killed dispatcher's rows are taken again (the gateway dedupes them by the idempotency key).
    sms_retry_base_seconds: float = 30.0
    sms_retry_max_seconds: float = 3600.0
    sms_lease_seconds: float = 300.0
    sms_batch_size: int = 100
    sms_concurrency: int = 8
    sms_poll_seconds: float = 2.0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (tests and CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]

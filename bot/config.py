"""Settings, read once from the environment and ``.env``; secrets never appear in logs or repr."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///geodigest.db"


def async_database_url(url: str) -> str:
    """Map plain ``sqlite://`` / ``postgresql://`` URLs to their async drivers."""
    for plain, driver in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Settings(BaseSettings):
    """Every knob of geodigest. Our own settings use the ``GEODIGEST_`` prefix."""

    model_config = SettingsConfigDict(
        env_prefix="GEODIGEST_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        # ``TELEGRAM_BOT_TOKEN=`` (as in .env.example) means "no Telegram", not an empty token.
        env_ignore_empty=True,
    )

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"

    # Polling
    poll_interval: int = Field(600, ge=10, description="seconds between polls of one feed")
    poll_concurrency: int = Field(10, ge=1, description="feed requests in flight overall")
    per_host_concurrency: int = Field(2, ge=1, le=8, description="requests in flight per host")
    max_feed_errors: int = Field(10, ge=1, description="consecutive failures before disabling")
    max_backoff: int = Field(86_400, ge=60, description="longest wait after failures, seconds")
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    allow_private_urls: bool = False
    fetch_article_below_words: int = Field(
        150, ge=0, description="fetch the article page when the feed carries fewer words"
    )

    # Analysis and digests
    summary_sentences: int = Field(3, ge=1, le=5)
    key_quotes: int = Field(3, ge=0, le=5)
    relevance_threshold: float = Field(0.5, ge=0.0, le=1.0)
    story_window_hours: int = Field(48, ge=1)
    story_update_minutes: int = Field(
        60, ge=0, description="least time between an instant alert and its update"
    )
    digest_window_hours: int = Field(24, ge=1)
    digest_max_stories: int = Field(20, ge=1)
    retention_days: int = Field(30, ge=1, description="keep articles and sent messages this long")

    # Chat platforms
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "GEODIGEST_TELEGRAM_BOT_TOKEN")
    )
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL", "GEODIGEST_TELEGRAM_API_BASE_URL"),
    )
    telegram_webhook_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "GEODIGEST_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "GEODIGEST_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "GEODIGEST_SLACK_APP_TOKEN")
    )
    slack_api_base_url: str = Field(
        "https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_BASE_URL", "GEODIGEST_SLACK_API_BASE_URL"),
    )

    # Web server (webhooks, /healthz, /metrics)
    public_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 8080

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

"""Settings, read once from the environment and ``.env``; secrets never appear in logs or repr.

Every number has a range: a negative timeout or a zero body cap would be accepted at start and
then fail every fetch, so it is refused at start instead, naming the variable.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///geodigest.db"
ENV_PREFIX = "GEODIGEST_"
# The async drivers geodigest ships with; plain sqlite:// and postgresql:// map onto them.
DATABASE_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_MIB = 1024 * 1024


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


def _http_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value


class Settings(BaseSettings):
    """Every knob of geodigest. Our own settings use the ``GEODIGEST_`` prefix."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        # ``TELEGRAM_BOT_TOKEN=`` (as in .env.example) means "no Telegram", not an empty token.
        env_ignore_empty=True,
    )

    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"

    # Polling
    poll_interval: int = Field(
        600, ge=10, le=7 * 86_400, description="seconds between polls of one feed"
    )
    poll_concurrency: int = Field(10, ge=1, le=1000, description="feed requests in flight")
    per_host_concurrency: int = Field(2, ge=1, le=8, description="requests in flight per host")
    max_feed_errors: int = Field(10, ge=1, description="consecutive failures before disabling")
    max_backoff: int = Field(86_400, ge=60, description="longest wait after failures, seconds")
    connect_timeout: float = Field(10.0, gt=0, le=300, description="seconds to connect")
    read_timeout: float = Field(30.0, gt=0, le=600, description="seconds between two reads")
    # Below 64 KiB ordinary feeds would not fit; above 1 GiB one body could exhaust memory.
    max_body_bytes: int = Field(10 * _MIB, ge=64 * 1024, le=1024 * _MIB)
    allow_private_urls: bool = False
    fetch_article_below_words: int = Field(
        150, ge=0, description="fetch the article page when the feed carries fewer words"
    )
    feed_time_budget: float = Field(
        60.0, gt=0, le=3600, description="seconds one feed's fetch, parse and storing may take"
    )
    max_items_per_poll: int = Field(
        100, ge=1, le=10_000, description="newest items taken from a feed per poll"
    )
    page_concurrency: int = Field(
        4, ge=1, le=64, description="article pages fetched at once, off the polls' path"
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
    # Slack user ids who may change any channel's subscriptions, besides workspace admins and
    # owners and the channel's creator: "U012AB3CD,U045EF6GH".
    slack_admins: Annotated[tuple[str, ...], NoDecode] = ()

    # Web server (webhooks, /healthz, /metrics)
    public_url: str | None = None
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65_535, description="0 turns the web server off")

    @field_validator("slack_admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        url = async_database_url(value.strip())
        scheme, separator, _ = url.partition("://")
        if not separator:
            raise ValueError("is not a database URL; use sqlite:///FILE or postgresql://HOST/DB")
        if scheme not in DATABASE_DRIVERS:
            # Only the scheme is shown: the rest of a URL may hold a password.
            raise ValueError(
                f"{scheme}:// is not supported; use sqlite:///FILE or postgresql://HOST/DB"
            )
        return url

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.strip().upper() not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("telegram_api_base_url", "slack_api_base_url", "public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @property
    def slack_enabled(self) -> bool:
        """Whether Slack is configured: a bot token, and a signing secret or an app-level token."""
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    def secret_values(self) -> tuple[str, ...]:
        """The configured secrets in clear text, for redacting them from logs."""
        values = (getattr(self, name) for name in type(self).model_fields)
        secrets = (v.get_secret_value() for v in values if isinstance(v, SecretStr))
        return tuple(secret for secret in secrets if secret)


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str):
        return alias.choices[0]
    return ENV_PREFIX + field.upper()


def describe_settings_error(error: ValidationError) -> str:
    """One line naming each bad setting by its variable and what is wrong with it."""
    problems = []
    for problem in error.errors(include_input=False, include_url=False):
        location = str(problem["loc"][0]) if problem["loc"] else ""
        name = location if location.isupper() else env_name(location)
        message = str(problem["msg"]).removeprefix("Value error, ")
        problems.append(f"{name}: {message}")
    return "bad setting " + "; ".join(problems)

"""Settings, read from the environment or a `.env` file. Secrets come only from here."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.resources import resource_dir

CHROMA_DEFAULT_MODEL_DIR = Path.home() / ".cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx"
MODEL_CACHE_DEFAULT_DIR = Path.home() / ".cache/interview-bot/models"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Platforms
    discord_token: SecretStr | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    discord_shard_count: int | None = Field(default=None, ge=1)
    discord_shard_ids: list[int] | None = None
    # Where attachments (bank files) may be downloaded from: Discord's CDN only, over HTTPS.
    discord_attachment_origins: list[str] = Field(
        default_factory=lambda: [
            "https://cdn.discordapp.com",
            "https://media.discordapp.net",
        ]
    )
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_admin_user_ids: list[str] = Field(default_factory=list)

    # LLM
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=20.0, gt=0)
    llm_max_attempts: int = Field(default=3, ge=1, le=10)
    llm_retry_max_wait: float = Field(default=8.0, ge=0)
    llm_structured_output: Literal["json_schema", "function_calling", "json_mode"] = "json_schema"
    llm_breaker_failures: int = Field(default=3, ge=1)
    llm_breaker_cooldown: float = Field(default=60.0, ge=0)

    # Grading
    grading_weights: dict[str, float] = Field(
        default_factory=lambda: {"correctness": 0.5, "completeness": 0.3, "clarity": 0.2}
    )
    grade_cache_size: int = Field(default=2048, ge=0)
    grade_cache_ttl: int = Field(default=7 * 24 * 3600, gt=0)
    semantic_cache_threshold: float | None = Field(default=None, gt=0, le=1)
    regrade_retry_seconds: float = Field(default=30.0, gt=0)

    # Storage
    data_dir: Path = Path("data")
    database_url: str | None = None
    chroma_path: Path | None = None
    chroma_host: str | None = None  # a host name (with CHROMA_PORT) or a URL: http://chroma:8000
    chroma_port: int = 8000
    redis_url: str | None = None

    # Bank and embeddings
    bank_dir: Path = Field(default_factory=lambda: resource_dir("knowledge") / "questions")
    embedding_model_dir: Path | None = None
    embedding_batch_size: int = 32
    # Where the embedding model's prepared copy is kept (bot/bank/model_cache.py).
    model_cache_dir: Path = MODEL_CACHE_DEFAULT_DIR
    # How often an instance checks whether another one imported or removed bank entries.
    bank_recheck_seconds: float = Field(default=5.0, gt=0)

    # Limits, costs and privacy
    answers_per_minute: int = Field(default=10, ge=1)
    llm_daily_token_budget: int | None = Field(default=None, ge=0)  # per tenant
    retention_days: int | None = Field(default=None, ge=1)  # then answer texts are purged
    daily_catch_up_minutes: int = Field(default=120, ge=0)
    daily_pause_after_days: int = Field(default=3, ge=1)  # failed days in a row, then paused

    # Behaviour
    default_language: str = "en"
    port: int = 3000

    @field_validator("grading_weights")
    @classmethod
    def _known_criteria(cls, weights: dict[str, float]) -> dict[str, float]:
        unknown = set(weights) - {"correctness", "completeness", "clarity"}
        if unknown:
            raise ValueError(f"unknown criteria {sorted(unknown)}")
        if any(value < 0 for value in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be non-negative and add up to more than 0")
        return weights

    @property
    def llm_configured(self) -> bool:
        """An API key or a base URL (local servers often need no key) turns the LLM on."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def discord_configured(self) -> bool:
        return bool(self.discord_token)

    @property
    def slack_configured(self) -> bool:
        """A bot token, or an OAuth app that stores one per workspace."""
        return bool(self.slack_bot_token or self.slack_client_id)

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'interview-bot.db'}"

    @property
    def tenant_bank_dir(self) -> Path:
        """Where earlier versions kept imported banks (one YAML file per tenant); they move
        into the database at the next start."""
        return self.data_dir / "banks"

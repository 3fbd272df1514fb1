"""Settings, read from the environment or a `.env` file. Secrets come only from here."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.resources import resource_dir

CHROMA_DEFAULT_MODEL_DIR = Path.home() / ".cache/chroma/onnx_models/all-MiniLM-L6-v2/onnx"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Platforms
    discord_token: SecretStr | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None

    # LLM
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"

    # Storage
    data_dir: Path = Path("data")
    database_url: str | None = None
    chroma_path: Path | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000
    redis_url: str | None = None

    # Bank and embeddings
    bank_dir: Path = Field(default_factory=lambda: resource_dir("knowledge") / "questions")
    embedding_model_dir: Path | None = None
    embedding_batch_size: int = 32

    # Behaviour
    default_language: str = "en"
    port: int = 3000

    @property
    def resolved_chroma_path(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'interview-bot.db'}"

    @property
    def tenant_bank_dir(self) -> Path:
        """Banks imported by operators, servers and workspaces: one YAML file per tenant."""
        return self.data_dir / "banks"

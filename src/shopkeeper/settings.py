"""Typed settings, read once at the edge (the CLI or the API start-up) and passed inward."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Process-wide settings from ``SHOPKEEPER_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="SHOPKEEPER_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".shopkeeper",
        description="Folder that holds all state: one sub-folder per store.",
    )
    datasets: Path | None = Field(
        default=None,
        description="Folder holding the public datasets (default: ../shared/datasets from the cwd).",
    )
    ops_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the operational database (default: SQLite in home).",
    )
    import_memory_limit: str = Field(
        default="1536MB", description="DuckDB memory limit while importing (spills to disk beyond)."
    )
    import_threads: int | None = Field(
        default=None, description="DuckDB threads (default: all cores)."
    )
    import_xlsx_max_mb: int = Field(
        default=512,
        gt=0,
        description="Largest size an .xlsx workbook may unpack to (MB); a bigger one is refused.",
    )
    model: str | None = Field(
        default=None,
        description="The LLM as 'provider:model' (e.g. 'dashscope:qwen-plus'; a comma-separated "
        "list is a fallback chain); unset = the offline rule model. See shopkeeper.llm.",
    )
    model_base_url: str | None = Field(
        default=None, description="Base URL of an 'openai-compatible:' model (…/v1)."
    )
    model_api_key: SecretStr | None = Field(
        default=None, description="API key of the model (default: the provider's own variable)."
    )
    model_timeout_s: float = Field(default=60.0, gt=0, description="Timeout of one model request.")
    model_retries: int = Field(
        default=2, ge=0, description="Retries of a model request on declared transient errors."
    )
    model_price_in: float | None = Field(
        default=None, ge=0, description="Price per million input tokens (for run costs)."
    )
    model_price_out: float | None = Field(
        default=None, ge=0, description="Price per million output tokens (for run costs)."
    )
    otel_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces URL to export agent runs to (needs the 'otel' extra).",
    )
    mask_pii: bool = Field(
        default=True,
        description="Mask buyers' personal data before it goes to a model outside this machine.",
    )
    dashscope_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("dashscope_api_key", "shopkeeper_dashscope_api_key"),
        description="DASHSCOPE_API_KEY (Alibaba Cloud Model Studio).",
    )
    deepseek_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("deepseek_api_key", "shopkeeper_deepseek_api_key"),
        description="DEEPSEEK_API_KEY.",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("openai_api_key", "shopkeeper_openai_api_key"),
        description="OPENAI_API_KEY.",
    )
    now: dt.datetime | None = Field(
        default=None,
        description="The store clock: the service starts at this instant (naive = UTC) and runs "
        "on from it; default: real time (see shopkeeper.clock).",
    )
    smtp_host: str | None = Field(default=None, description="SMTP server for email: targets.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP login (none: no login).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_from: str | None = Field(default=None, description="Sender address (default: smtp_user).")
    smtp_starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS.")
    delivery_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Hosts webhooks may reach even though they are not public addresses "
        "(comma-separated, e.g. '127.0.0.1,erp.lan'); every other host must resolve to public "
        "addresses only.",
    )
    delivery_dir: Path | None = Field(
        default=None,
        description="Folder that file: deliveries may write under (default: the store's own "
        "folder under home).",
    )

    @field_validator("delivery_allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    @property
    def mcp_servers_file(self) -> Path:
        """The owner's list of external MCP servers (see :mod:`shopkeeper.agents.mcp_tools`)."""
        return self.home / "mcp_servers.toml"

    def store_dir(self, store: str) -> Path:
        """Folder of one store's state."""
        return self.home / "stores" / store


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()

"""Typed settings, read once at the edge (the CLI or the API start-up) and passed inward."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    def store_dir(self, store: str) -> Path:
        """Folder of one store's state."""
        return self.home / "stores" / store


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()

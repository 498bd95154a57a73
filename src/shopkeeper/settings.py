"""Typed settings, read once at the edge (the CLI or the API start-up) and passed inward."""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic.fields import FieldInfo

from shopkeeper.errors import ConfigError
from shopkeeper.private import private_dir, write_private

ENV_PREFIX = "SHOPKEEPER_"
"""Prefix of the environment variables a field is read from (any case; see :class:`Settings`)."""

LLM_FILE = "llm.toml"
"""The owner's LLM choice in the home (0600), below the environment (see :func:`llm_file_values`)."""


class LlmFile(BaseModel):
    """What ``llm.toml`` holds: the model, its base URL and key (each optional).

    >>> import tempfile
    >>> home = Path(tempfile.mkdtemp())
    >>> save_llm_file(home, LlmFile(model="deepseek:deepseek-chat", api_key="sk-1"))
    >>> oct((home / LLM_FILE).stat().st_mode & 0o777), load_llm_file(home).model
    ('0o600', 'deepseek:deepseek-chat')
    """

    model: str | None = Field(
        default=None, description="'provider:model', e.g. dashscope:qwen-plus"
    )
    base_url: str | None = Field(default=None, description="base URL of an openai-compatible model")
    api_key: str | None = Field(default=None, description="the model's API key")


def load_llm_file(home: Path) -> LlmFile:
    """The owner's LLM file (empty when there is none)."""
    path = home / LLM_FILE
    if not path.exists():
        return LlmFile()
    try:
        return LlmFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{str(path)!r} is not a valid LLM file: {exc}; fix or delete it"
        ) from exc


def save_llm_file(home: Path, config: LlmFile) -> None:
    """Write the owner's LLM file, readable by the service's user only."""
    lines = [
        f"{name} = {json.dumps(value, ensure_ascii=False)}\n"  # a JSON string is a TOML string
        for name, value in config.model_dump().items()
        if value
    ]
    write_private(private_dir(home) / LLM_FILE, "".join(lines).encode("utf-8"))


def llm_file_values(home: Path) -> dict[str, Any]:
    """The fields the owner's ``llm.toml`` in ``home`` sets: ``model``, ``model_base_url`` and
    ``model_api_key``, each only when the file gives it a non-empty value.
    """
    stored = load_llm_file(home)
    values = {
        "model": stored.model,
        "model_base_url": stored.base_url,
        "model_api_key": stored.api_key,
    }
    return {k: v for k, v in values.items() if v}


def _names(name: str, field: FieldInfo) -> tuple[str, ...]:
    """The names a field is given by, first the one it is validated under: its alias choices
    (``DASHSCOPE_API_KEY``...), else the field name.
    """
    alias = field.validation_alias
    if alias is None:
        return (name,)
    choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
    if not all(isinstance(c, str) for c in choices):
        raise TypeError(f"setting {name!r}: only plain names can be read from the environment")
    return tuple(str(c) for c in choices)


def _env_names(name: str, field: FieldInfo) -> tuple[str, ...]:
    """The environment variables a field is read from (lower case), first match wins."""
    if field.validation_alias is None:
        return ((ENV_PREFIX + name).lower(),)
    return tuple(n.lower() for n in _names(name, field))


def _gather(fields: dict[str, FieldInfo], given: dict[str, Any]) -> dict[str, Any]:
    """The raw values of the settings, highest source first: the keyword arguments, the
    environment (names in any case; values are strings that validation converts), then the
    owner's ``llm.toml`` in the home those two chose (else the default home). Keys are the names
    the fields validate under; unknown names are ignored, as unrelated variables are.
    """
    env = {k.lower(): v for k, v in os.environ.items()}
    values: dict[str, Any] = {}
    keys: dict[str, str] = {}  # field name → the key its value is under
    for name, field in fields.items():
        names = _names(name, field)
        keys[name] = names[0]
        given_as = next((n for n in names if n in given), None)
        if given_as is not None:
            values[names[0]] = given[given_as]
            continue
        env_as = next((n for n in _env_names(name, field) if n in env), None)
        if env_as is not None:
            values[names[0]] = env[env_as]
    home = values.get(keys["home"]) or fields["home"].get_default(call_default_factory=True)
    for name, value in llm_file_values(Path(home)).items():
        values.setdefault(keys[name], value)
    return values


class Settings(BaseModel):
    """Process-wide settings: keyword arguments, else ``SHOPKEEPER_<FIELD>`` environment variables
    (any case; a field with alias choices is read from those names instead, e.g.
    ``DASHSCOPE_API_KEY``), else the owner's ``llm.toml`` in the home, else the defaults. A bad
    value raises :class:`pydantic.ValidationError` naming the field.

    >>> Settings(home="/srv/sk", model_retries="3").model_retries
    3
    """

    model_config = ConfigDict(extra="ignore", validate_default=True)

    def __init__(self, **values: Any) -> None:
        """Read the settings from ``values``, the environment and ``llm.toml``, in that order."""
        super().__init__(**_gather(type(self).model_fields, values))

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
    delivery_allow_hosts: list[str] = Field(
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
    """Read the settings once per process; a bad value is a :class:`ConfigError` naming the
    variable to fix (the CLI prints it as one sentence, never a traceback).
    """
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"SHOPKEEPER_{str(e['loc'][0]).upper()}: {e['msg']}" if e["loc"] else e["msg"]
            for e in exc.errors(include_url=False)
        )
        raise ConfigError(f"invalid setting — {problems}") from exc

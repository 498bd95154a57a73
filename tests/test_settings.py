"""Settings: keyword arguments over the environment over the owner's ``llm.toml`` over the defaults,
read by our own small loader (issue 11: pydantic-settings cost ~0.055 s of every command's start)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from shopkeeper.errors import ConfigError
from shopkeeper.settings import LLM_FILE, LlmFile, Settings, get_settings, save_llm_file


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with no setting in it and a fresh user home (the default home under it)."""
    for name in list(os.environ):
        if name.upper().startswith("SHOPKEEPER") or name.upper().endswith("_API_KEY"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return monkeypatch


def _home(root: Path, name: str, model: str | None = None, **fields: str) -> Path:
    home = root / name
    home.mkdir(parents=True)
    if model is not None:
        save_llm_file(home, LlmFile(model=model, **fields))
    return home


def test_defaults_with_nothing_set(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = Settings()
    assert s.home == tmp_path / "user" / ".shopkeeper"
    assert (s.model, s.model_retries, s.mask_pii, s.delivery_allow_hosts) == (None, 2, True, [])
    assert s.now is None


def test_keywords_over_environment_over_llm_file(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = _home(tmp_path, "h", "file:m", base_url="http://file/v1", api_key="sk-file")
    env.setenv("SHOPKEEPER_HOME", str(home))
    s = Settings()
    assert (s.model, s.model_base_url) == ("file:m", "http://file/v1")
    assert s.model_api_key == SecretStr("sk-file")
    env.setenv("SHOPKEEPER_MODEL", "env:m")
    env.setenv("SHOPKEEPER_MODEL_API_KEY", "sk-env")
    s = Settings()
    assert (s.model, s.model_base_url) == ("env:m", "http://file/v1"), "each field on its own"
    assert s.model_api_key == SecretStr("sk-env")
    s = Settings(model="kw:m", model_api_key=None)
    assert (s.model, s.model_api_key) == ("kw:m", None), "a keyword wins even when it is None"
    env.setenv("SHOPKEEPER_MODEL", "")
    assert Settings().model == "", "an empty variable is a value, as with pydantic-settings"


def test_llm_file_of_the_home_the_higher_sources_chose(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _home(tmp_path / "user", ".shopkeeper", "default:m")
    env_home = _home(tmp_path, "env", "env-home:m")
    kw_home = _home(tmp_path, "kw", "kw-home:m")
    assert Settings().model == "default:m"
    env.setenv("SHOPKEEPER_HOME", str(env_home))
    assert Settings().model == "env-home:m"
    assert Settings(home=kw_home).model == "kw-home:m"
    assert Settings(home=str(kw_home)).home == kw_home
    env.setenv("SHOPKEEPER_HOME", "")
    assert Settings().model == "default:m", "an empty home reads the default home's file"


def test_empty_values_in_llm_file_are_unset(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = _home(tmp_path, "h")
    (home / LLM_FILE).write_text('model = "m:x"\napi_key = ""\n', encoding="utf-8")
    s = Settings(home=home)
    assert (s.model, s.model_api_key) == ("m:x", None)


def test_bad_llm_file_is_a_config_error(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = _home(tmp_path, "h")
    (home / LLM_FILE).write_text("model = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid LLM file"):
        Settings(home=home)


@pytest.mark.parametrize(
    "name", ["SHOPKEEPER_MODEL_RETRIES", "shopkeeper_model_retries", "ShopKeeper_Model_Retries"]
)
def test_environment_names_in_any_case(env: pytest.MonkeyPatch, name: str) -> None:
    env.setenv(name, "5")
    assert Settings().model_retries == 5


def test_alias_names_are_read_instead_of_the_prefixed_field(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOPKEEPER_DASHSCOPE_API_KEY", "sk-prefixed")
    assert Settings().dashscope_api_key == SecretStr("sk-prefixed")
    env.setenv("dashscope_api_key", "sk-plain")
    assert Settings().dashscope_api_key == SecretStr("sk-plain"), "the first alias choice wins"
    env.setenv("DEEPSEEK_API_KEY", "sk-ds")
    env.setenv("OPENAI_API_KEY", "sk-oa")
    s = Settings()
    assert (s.deepseek_api_key, s.openai_api_key) == (SecretStr("sk-ds"), SecretStr("sk-oa"))
    assert Settings(shopkeeper_dashscope_api_key="kw").dashscope_api_key == SecretStr("kw")
    assert Settings(dashscope_api_key="kw").dashscope_api_key == SecretStr("kw")


def test_unrelated_names_are_ignored(env: pytest.MonkeyPatch) -> None:
    env.setenv("SHOPKEEPER_UNRELATED", "1")
    env.setenv("SHOPKEEPER_", "x")
    env.setenv("MODEL_RETRIES", "9")  # no prefix: not ours
    assert Settings(bogus=1).model_retries == 2


def test_strings_are_validated_in_lax_mode(env: pytest.MonkeyPatch) -> None:
    for name, value in {
        "MASK_PII": "no",
        "SMTP_STARTTLS": "0",
        "SMTP_PORT": " 25 ",
        "MODEL_TIMEOUT_S": "1.5",
        "MODEL_PRICE_IN": "1e2",
        "NOW": "2026-11-20T18:00:00+08:00",
        "DATASETS": "/data/sets",
        "SMTP_PASSWORD": "pw",
        "DELIVERY_ALLOW_HOSTS": "127.0.0.1, erp.lan ,,",
    }.items():
        env.setenv(f"SHOPKEEPER_{name}", value)
    s = Settings()
    assert (s.mask_pii, s.smtp_starttls, s.smtp_port) == (False, False, 25)
    assert (s.model_timeout_s, s.model_price_in) == (1.5, 100.0)
    assert s.now == dt.datetime(2026, 11, 20, 18, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert s.datasets == Path("/data/sets")
    assert s.smtp_password == SecretStr("pw")
    assert s.delivery_allow_hosts == ["127.0.0.1", "erp.lan"]
    assert Settings(delivery_allow_hosts="a,b").delivery_allow_hosts == ["a", "b"]
    assert Settings(delivery_allow_hosts=["k"]).delivery_allow_hosts == ["k"]
    env.setenv("SHOPKEEPER_DELIVERY_ALLOW_HOSTS", "")
    assert Settings().delivery_allow_hosts == []


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("SHOPKEEPER_MODEL_RETRIES", "abc", "int_parsing"),
        ("SHOPKEEPER_MODEL_RETRIES", "-1", "greater_than_equal"),
        ("SHOPKEEPER_IMPORT_THREADS", "", "int_parsing"),
        ("SHOPKEEPER_MASK_PII", "maybe", "bool_parsing"),
        ("SHOPKEEPER_NOW", "garbage", "datetime_from_date_parsing"),
        ("SHOPKEEPER_IMPORT_XLSX_MAX_MB", "0", "greater_than"),
    ],
)
def test_bad_values_name_the_setting(
    env: pytest.MonkeyPatch, name: str, value: str, error: str
) -> None:
    env.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings()
    [problem] = caught.value.errors()
    assert (problem["loc"], problem["type"]) == ((name.removeprefix("SHOPKEEPER_").lower(),), error)
    assert caught.value.title == "Settings"


def test_environment_read_at_construction(env: pytest.MonkeyPatch) -> None:
    get_settings.cache_clear()
    env.setenv("SHOPKEEPER_MODEL", "first:m")
    assert get_settings().model == "first:m"
    env.setenv("SHOPKEEPER_MODEL", "second:m")
    assert get_settings() is get_settings(), "read once per process"
    assert Settings().model == "second:m"
    get_settings.cache_clear()


def test_every_setting_is_described() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_importing_settings_loads_no_pydantic_settings_nor_asyncio() -> None:
    probe = (
        "import sys, shopkeeper.settings; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic_settings', 'asyncio'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_a_bad_value_is_one_sentence_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shopkeeper.errors import ConfigError
    from shopkeeper.settings import get_settings

    monkeypatch.setenv("SHOPKEEPER_MODEL_RETRIES", "abc")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="SHOPKEEPER_MODEL_RETRIES") as raised:
            get_settings()
        assert "\n" not in str(raised.value)
    finally:
        get_settings.cache_clear()

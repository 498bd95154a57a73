"""The τ²-bench retail dataset, once per module (tests skip when ../shared/datasets lacks it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from shopkeeper.cs.tau2.replay import DATASET, Dataset
from shopkeeper.errors import DatasetNotFound
from shopkeeper.opsdb import ops_engine
from shopkeeper.settings import Settings
from shopkeeper.store.service import default_datasets_dir


def _folder() -> Path | None:
    try:
        folder = default_datasets_dir(Settings()) / DATASET
    except DatasetNotFound:
        return None
    return folder if (folder / "tasks.json").exists() else None


@pytest.fixture(scope="module")
def tau2_folder() -> Path:
    folder = _folder()
    if folder is None:
        pytest.skip("the τ²-bench retail dataset is not in ../shared/datasets")
    return folder


@pytest.fixture(scope="module")
def tau2(tau2_folder: Path) -> Dataset:
    return Dataset.load(tau2_folder)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A throw-away operational database in memory, as the benchmark commands give the replay."""
    scratch = ops_engine(Settings(home=tmp_path, ops_url="sqlite://"))
    yield scratch
    scratch.dispose()

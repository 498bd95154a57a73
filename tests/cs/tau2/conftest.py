"""The τ²-bench retail dataset, once per module (tests skip when ../shared/datasets lacks it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.cs.tau2.replay import DATASET, Dataset
from shopkeeper.errors import DatasetNotFound
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

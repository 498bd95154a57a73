"""The shared e5 encoder: one encoding thread, the same vectors from any caller."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from shopkeeper import embedding


def test_vectors_are_unit_rows_and_independent_of_threads() -> None:
    texts = ["这款咖啡豆多少钱", "退货运费谁出", "how much is shipping"]
    one = embedding.queries(texts, threads=1)
    two = embedding.queries(texts, threads=2)
    assert one.shape == (3, embedding.DIM)
    np.testing.assert_allclose(np.linalg.norm(one, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(one, two, atol=1e-4)
    assert float(one[0] @ one[1]) < 0.99  # different questions, different vectors


def test_callers_on_many_threads_get_their_own_vectors() -> None:
    texts = [f"第{i}个问题：这件衣服有{i}号吗" for i in range(16)]
    expected = embedding.queries(texts)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda t: embedding.queries([t])[0], texts))
    np.testing.assert_allclose(np.stack(got), expected, atol=1e-4)


def test_passages_differ_from_queries() -> None:
    text = "阿拉比卡咖啡豆 中度烘焙"
    assert not np.allclose(embedding.passages([text])[0], embedding.queries([text])[0])
    assert embedding.token_count(text) > embedding.token_count("")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_encoding_team_is_found_by_its_thread_name() -> None:
    embedding.queries(["热身"], threads=2)
    team = embedding._team()
    assert team  # the encoding thread (and its OpenMP worker) carry the name
    assert str(threading.get_native_id()) not in team  # the caller is not part of it

"""Deterministic randomness: one independent generator per purpose, and hash-derived attributes.

Every random choice goes through :func:`rng_for` with the store's seed and a purpose name, so adding
a draw in one module never shifts the draws of another, and the same seed gives the same store.
Per-entity attributes of very many entities (customers) come from :func:`hash_uniform`, which needs
no per-entity memory.

>>> bool(rng_for(7, "orders", 0).integers(1 << 30) == rng_for(7, "orders", 0).integers(1 << 30))
True
>>> float(hash_uniform(np.arange(3), 7, "x")[0]) == float(hash_uniform(np.arange(1), 7, "x")[0])
True
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _key(name: str | int) -> int:
    return name if isinstance(name, int) else zlib.crc32(name.encode("utf-8"))


def rng_for(seed: int, *purpose: str | int) -> np.random.Generator:
    """A generator for one purpose (e.g. ``("orders", chunk_no)``) of one store seed."""
    return np.random.default_rng([seed, *(_key(p) for p in purpose)])


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def hash_u64(ids: npt.NDArray[np.integer], seed: int, field: str) -> npt.NDArray[np.uint64]:
    """SplitMix64 of (seed, field, id): a reproducible pseudo-random 64-bit value per id."""
    salt = np.uint64((seed * 0x9E3779B1 + _key(field)) & 0xFFFFFFFFFFFFFFFF)
    with np.errstate(over="ignore"):
        z = ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + salt
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def hash_uniform(ids: npt.NDArray[np.integer], seed: int, field: str) -> FloatArray:
    """A uniform number in [0, 1) per id, from :func:`hash_u64`."""
    return (hash_u64(ids, seed, field) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def hash_choice(
    ids: npt.NDArray[np.integer], seed: int, field: str, weights: npt.ArrayLike
) -> IntArray:
    """An index into ``weights`` per id, drawn with those weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    u = hash_uniform(ids, seed, field) * cum[-1]
    return np.asarray(
        np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1), dtype=np.int64
    )


def choice_idx(rng: np.random.Generator, weights: npt.ArrayLike, size: int) -> IntArray:
    """``size`` indices drawn with the given (unnormalised) weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    u = rng.random(size) * cum[-1]
    return np.asarray(
        np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1), dtype=np.int64
    )

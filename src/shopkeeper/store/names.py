"""Store names: the one validator every command, the API and the warehouse use.

A store name becomes a folder name under ``SHOPKEEPER_HOME/stores``, so it is letters, digits,
``.``, ``_`` and ``-`` only, starts with a letter or digit, and never holds ``..``.

>>> check_store_name("uk-gifts")
'uk-gifts'
>>> check_store_name("../../etc")
Traceback (most recent call last):
...
shopkeeper.errors.ConfigError: store name '../../etc' is not allowed: use letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit
"""

from __future__ import annotations

import re

from shopkeeper.errors import ConfigError

_STORE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_store_name(name: str) -> str:
    """``name`` if it is a valid store name; a :class:`ConfigError` naming the rule otherwise."""
    if not _STORE_NAME.fullmatch(name) or ".." in name:
        raise ConfigError(
            f"store name {name!r} is not allowed: use letters, digits, '.', '_' or '-' (at most 64), "
            "starting with a letter or digit"
        )
    return name

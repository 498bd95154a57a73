"""Where deliveries may go: public hosts only, and files under the store's own folder.

A webhook target must name a host that resolves to public (globally routable) addresses only —
never loopback, private, link-local (``169.254.169.254``), shared or reserved ranges, nor a cloud
metadata name — unless the machine's owner allow-lists it in ``SHOPKEEPER_DELIVERY_ALLOW_HOSTS``.
IP literals in every spelling the C library accepts (``0x7f000001``, ``127.1``, ``[::1]``) are read
as the address they are. The check runs before any connection and again for every redirect; name
resolution is a parameter (:data:`Resolve`), so tests never resolve real names.

>>> blocked_reason("0x7f000001", allow=[])
"'0x7f000001' is 127.0.0.1, not a public address"
>>> blocked_reason("localhost", allow=["localhost"]) is None
True
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from pathlib import Path

from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings

Resolve = Callable[[str], list[str]]
"""Host name → its addresses (as text); raises :class:`OSError` when it does not resolve."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_INET_ATON = re.compile(r"^[0-9a-fA-FxX.]+$")


def resolve_host(host: str) -> list[str]:
    """The addresses ``host`` resolves to, through the system resolver."""
    return sorted(
        {str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    )


def ip_literal(host: str) -> IPAddress | None:
    """The address a host written as an IP literal stands for (None for a name).

    >>> str(ip_literal("[::1]")), str(ip_literal("127.1")), ip_literal("shop.example")
    ('::1', '127.0.0.1', None)
    """
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    if _INET_ATON.match(bare):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            return None
    return None


def is_public(address: IPAddress) -> bool:
    """Globally routable and not multicast (a mapped IPv4 address is judged as that address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def blocked_reason(
    host: str, *, allow: Iterable[str], resolve: Resolve | None = None
) -> str | None:
    """Why a delivery may not reach ``host`` (None when it may). Without ``resolve`` only IP
    literals and metadata names are judged (the check made when a schedule is added).
    """
    name = host.strip("[]").rstrip(".").lower()
    if name in {h.strip("[]").rstrip(".").lower() for h in allow}:
        return None
    if name in METADATA_HOSTS:
        return f"{host!r} is a cloud metadata service"
    literal = ip_literal(name)
    if literal is not None:
        return None if is_public(literal) else f"{host!r} is {literal}, not a public address"
    if resolve is None:
        return None
    try:
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(name)]
    except (OSError, ValueError) as exc:
        return f"{host!r} does not resolve ({exc})"
    private = [str(a) for a in addresses if not is_public(a)]
    if not addresses or private:
        return f"{host!r} resolves to {', '.join(private) or 'nothing'}, not a public address"
    return None


def file_folder(address: str, settings: Settings, store: str | None) -> Path:
    """The folder a ``file:`` target names, which must lie under the owner's
    ``SHOPKEEPER_DELIVERY_DIR`` or else the store's own folder (a relative path is taken from there).
    """
    if settings.delivery_dir is not None:
        root = settings.delivery_dir
    elif store is not None:
        root = settings.store_dir(store)
    else:
        raise ConfigError("a file: delivery needs a store, or SHOPKEEPER_DELIVERY_DIR set")
    root = root.expanduser().resolve()
    folder = (root / Path(address).expanduser()).resolve()
    if not folder.is_relative_to(root):
        raise ConfigError(
            f"file:{address} is outside {root}; deliver to a folder under it (a relative path "
            "is taken from there), or the owner sets SHOPKEEPER_DELIVERY_DIR"
        )
    return folder

"""``shopkeeper token``: API tokens, one store and one role each (the token is shown once)."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from shopkeeper.api.cs_auth import SECRET_FILE, no_secret_warning
from shopkeeper.api.tokens import ROLES, create_token, list_tokens, revoke_token
from shopkeeper.cli.common import (
    FormatOpt,
    OutputFormat,
    StoreOpt,
    app_context,
    console,
    print_json,
    settings,
    show_records,
    valid_store,
)
from shopkeeper.errors import ConfigError
from shopkeeper.private import write_private
from shopkeeper.store.warehouse import existing_store_dir

app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)


@app.command()
def create(
    store: StoreOpt,
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    also: Annotated[
        list[str] | None,
        typer.Option("--also", help="Another store an agency token acts on (repeat it)."),
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Create a token for one store and role (an ``agency`` token: for ``--store`` and each
    ``--also``); it is printed once and only its hash is kept.
    """
    if role not in ROLES:
        raise ConfigError(f"role {role!r} is not one of {', '.join(ROLES)}")
    s = settings()
    for name in (store, *(also or ())):
        existing_store_dir(s, name)
    new = create_token(app_context().engine, store, role, label=label, stores=also or ())
    warning = no_secret_warning(s, store) if role == "widget" else None
    if warning:
        typer.echo(f"warning: {warning}", err=True)
    if fmt is OutputFormat.json:
        print_json(new.model_dump(mode="json"))
        return
    typer.echo(new.token)
    typer.echo(
        f"token {new.token_id} for store {store!r}, role {role}: keep it now, it is not shown again",
        err=True,
    )


@app.command("list")
def list_(
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Only this store.", callback=valid_store)
    ] = None,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Tokens (never the tokens themselves), revoked ones included."""
    items = list_tokens(app_context().engine, store)
    show_records(
        items,
        fmt,
        f"{len(items)} tokens",
        {
            "id": lambda i: i.token_id,
            "store": lambda i: i.store,
            "role": lambda i: i.role,
            "label": lambda i: i.label,
            "created": lambda i: f"{i.created_at:%Y-%m-%d %H:%M}",
            "revoked": lambda i: f"{i.revoked_at:%Y-%m-%d %H:%M}" if i.revoked_at else "",
        },
    )


@app.command()
def revoke(token_id: Annotated[str, typer.Argument(help="Token id (see `token list`).")]) -> None:
    """Revoke a token: every later request with it gets 401."""
    info = revoke_token(app_context().engine, token_id)
    console.print(f"revoked token {info.token_id} ({info.store}, {info.role})")


@app.command("widget-secret")
def widget_secret(
    store: StoreOpt,
    rotate: Annotated[
        bool,
        typer.Option(help="Replace an existing secret (signatures made with it stop working)."),
    ] = False,
) -> None:
    """Create the store's widget secret (owner-only file, 0600) and print it once for your site.

    With a secret, widget requests must sign the buyer's id (HMAC-SHA256); without one the widget
    serves guests only.
    """
    s = settings()
    existing_store_dir(s, store)
    path = s.store_dir(store) / SECRET_FILE
    if path.exists() and not rotate:
        raise ConfigError(
            f"store {store!r} already has a widget secret ({path}); pass --rotate to replace it"
        )
    secret = secrets.token_hex(32)
    write_private(path, secret.encode("ascii"))
    typer.echo(secret)
    typer.echo(f"widget secret for store {store!r} written to {path} (mode 0600)", err=True)

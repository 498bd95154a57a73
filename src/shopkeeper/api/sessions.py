"""Browser sessions for Shopkeeper's pages: log in once with a token, then a server-side session.

One mechanism for every page that logs in (the agents' console, and the owner's app at
``/login``, whose form has a field named ``token``):

- :func:`login` checks the token and stores a session in the ops database (``web_sessions``: a
  random id of 32 bytes, the token's hash, its role and store, a CSRF token, created, expires).
  The cookie (:data:`COOKIE`) holds only that id — never the token — HttpOnly, SameSite=Strict,
  path ``/``, and ``Secure`` when the page is served over https (:func:`set_cookie`).
- A session may hold several tokens (an agency with one token per store, or an ``agency`` token
  bound to several stores): :func:`add_token` adds one (``web_session_tokens``), and
  :meth:`WebSession.for_store` is the caller on one store — the browser switches between them.
- :func:`current` finds the live session of a request: unknown, expired, or whose token was
  revoked since, it is none. :func:`logout` deletes it, so the cookie is worthless afterwards.
- Every POST of a page goes through :func:`check_post`: the Origin (else Referer) must be this
  host, and the form's ``csrf`` field must be the session's CSRF token (:data:`CSRF_FIELD`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, Response, status
from sqlalchemy import Engine, delete, insert, select

from shopkeeper.api.auth import Principal
from shopkeeper.api.tokens import token_hash, token_infos, verify_token
from shopkeeper.clock import utcnow
from shopkeeper.opsdb import api_tokens, web_session_tokens, web_sessions

COOKIE = "sk_session"
CSRF_FIELD = "csrf"
TTL = dt.timedelta(hours=12)
"""How long a session lasts after logging in."""


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: its session id, CSRF token and the caller it stands for (the token it
    logged in with; ``others``: tokens added since, for more stores).
    """

    session_id: str
    csrf: str
    principal: Principal
    expires_at: dt.datetime
    others: tuple[Principal, ...] = ()

    @property
    def stores(self) -> list[str]:
        """Every store this session may open, in the order its tokens were added."""
        every = (p.token.stores for p in (self.principal, *self.others))
        return list(dict.fromkeys(s for stores in every for s in stores))

    def for_store(self, store: str) -> Principal | None:
        """The caller on ``store``: the first of its tokens bound to it, seen on it; else None."""
        for principal in (self.principal, *self.others):
            scoped = principal.token.for_store(store)
            if scoped is not None:
                return Principal(scoped)
        return None


def login(engine: Engine, token: str, *, now: dt.datetime | None = None) -> WebSession | None:
    """A new session for a live staff token (a widget key never logs in), or None."""
    info = verify_token(engine, token.strip())
    if info is None or info.role == "widget":
        return None
    at = now or utcnow()
    session = WebSession(
        session_id=secrets.token_urlsafe(32),
        csrf=secrets.token_urlsafe(32),
        principal=Principal(info),
        expires_at=at + TTL,
    )
    with engine.begin() as conn:
        conn.execute(
            insert(web_sessions).values(
                session_id=session.session_id,
                token_hash=token_hash(token.strip()),
                store=info.store,
                role=info.role,
                csrf=session.csrf,
                created_at=at,
                expires_at=session.expires_at,
            )
        )
    return session


def add_token(engine: Engine, session: WebSession, token: str) -> WebSession | None:
    """The session holding one more live staff token (for more stores), or None if it is not one."""
    info = verify_token(engine, token.strip())
    if info is None or info.role == "widget":
        return None
    with engine.begin() as conn:
        conn.execute(
            delete(web_session_tokens).where(
                web_session_tokens.c.session_id == session.session_id,
                web_session_tokens.c.token_hash == token_hash(token.strip()),
            )
        )
        conn.execute(
            insert(web_session_tokens).values(
                session_id=session.session_id,
                token_hash=token_hash(token.strip()),
                added_at=utcnow(),
            )
        )
    return lookup(engine, session.session_id)


def lookup(
    engine: Engine, session_id: str | None, *, now: dt.datetime | None = None
) -> WebSession | None:
    """The live session with this id: not expired, its token not revoked; else None."""
    if not session_id:
        return None
    s, t = web_sessions.c, api_tokens.c
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(s.session_id, s.csrf, s.expires_at, api_tokens)
                .join(api_tokens, t.token_hash == s.token_hash)
                .where(s.session_id == session_id, t.revoked_at.is_(None))
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    expires = row["expires_at"]
    expires = expires if expires.tzinfo else expires.replace(tzinfo=dt.UTC)
    if expires <= (now or utcnow()):
        return None
    (info,) = token_infos(engine, [{k: v for k, v in row.items() if k in api_tokens.c}])
    st = web_session_tokens.c
    with engine.connect() as conn:
        extra = (
            conn.execute(
                select(api_tokens)
                .join(web_session_tokens, st.token_hash == t.token_hash)
                .where(st.session_id == session_id, t.revoked_at.is_(None))
                .order_by(st.added_at)
            )
            .mappings()
            .all()
        )
    others = tuple(Principal(i) for i in token_infos(engine, extra))
    return WebSession(row["session_id"], row["csrf"], Principal(info), expires, others)


def current(request: Request, engine: Engine) -> WebSession | None:
    """The request's live session (from its cookie), or None."""
    return lookup(engine, request.cookies.get(COOKIE))


def logout(engine: Engine, session_id: str | None) -> None:
    """End the session: its id is worthless from now on."""
    if session_id:
        with engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.session_id == session_id))
            conn.execute(
                delete(web_session_tokens).where(web_session_tokens.c.session_id == session_id)
            )


def set_cookie(response: Response, request: Request, session: WebSession) -> None:
    """Give the browser the session id (HttpOnly, SameSite=Strict, Secure over https)."""
    response.set_cookie(
        COOKIE,
        session.session_id,
        max_age=int(TTL.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget the session id."""
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def _forbidden(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail)


def check_origin(request: Request) -> None:
    """A page's POST must come from this host: its Origin (else its Referer) names it (else 403)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        raise _forbidden("a form must be sent from this site's pages (no Origin or Referer)")
    parts = urlsplit(source)
    if (parts.scheme, parts.netloc) != (request.url.scheme, request.url.netloc):
        raise _forbidden(f"a form from another site ({parts.scheme}://{parts.netloc}) is refused")


def check_post(request: Request, engine: Engine, csrf: str) -> WebSession:
    """The session of a page's POST, after the Origin and CSRF checks (401 without one, 403)."""
    check_origin(request)
    session = current(request, engine)
    if session is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "log in first")
    if not csrf or not hmac.compare_digest(csrf, session.csrf):
        raise _forbidden("the form's CSRF token is missing or wrong: reload the page")
    return session

"""Who may do what: bearer tokens bound to one store and one role, and the role table.

Every route under ``/v1/stores/{store}/`` needs ``Authorization: Bearer <token>``. A missing,
malformed, unknown or revoked token gets 401. A token for another store gets 403 — the same answer
whether that store exists or not. Then the role must grant the route's *area*, and some roles are
narrowed to some skills (by tag) and some actions:

=======  ====================================================  ===========  =====================
role     areas                                                 skills       actions
=======  ====================================================  ===========  =====================
owner    skills, approvals, audit, memory, schedules, runs,    every skill  every action
         state, cs, findings, reports, data, settings
agency   as owner, on each store it is bound to                every skill  every action
ops      skills, approvals, audit, memory, schedules, runs,    every skill  every action
         state, findings, reports, data
ads      skills, approvals, audit, state, findings, reports    tags ads,    change_bid,
                                                               analyst,     change_budget,
                                                               data         pause_campaign
cs       skills, cs, reports                                   tag cs       none (after-sale
                                                                            actions come later)
widget   none — only the buyer side of cs (post a message,     none         none
         follow that buyer's conversation: see ``api/cs.py``)
=======  ====================================================  ===========  =====================

The areas of the owner's web app: ``findings`` (Today, findings, the inspection), ``reports``
(the report archive), ``data`` (imports, quarantine, coverage), ``settings`` (the LLM provider,
policy, tokens).

:data:`GRANTS` is that table; nothing else decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends, HTTPException, Path, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from shopkeeper.api.deps import ServicesDep
from shopkeeper.api.tokens import Role, TokenInfo, verify_token

Area = Literal[
    "skills",
    "approvals",
    "audit",
    "memory",
    "schedules",
    "runs",
    "state",
    "cs",
    "findings",
    "reports",
    "data",
    "settings",
]
AREAS: tuple[Area, ...] = get_args(Area)
AD_ACTIONS = frozenset({"change_bid", "change_budget", "pause_campaign"})


@dataclass(frozen=True)
class Grant:
    """What a role may do: areas, skills (by tag; None = all) and actions (None = all)."""

    areas: frozenset[Area]
    skill_tags: frozenset[str] | None = None
    actions: frozenset[str] | None = None


_STAFF: frozenset[Area] = frozenset(
    {"skills", "approvals", "audit", "memory", "schedules", "runs", "state", "findings", "reports"}
)
GRANTS: dict[Role, Grant] = {
    "owner": Grant(frozenset(AREAS)),
    "agency": Grant(frozenset(AREAS)),
    "ops": Grant(_STAFF | {"data"}),
    "ads": Grant(
        frozenset({"skills", "approvals", "audit", "state", "findings", "reports"}),
        skill_tags=frozenset({"ads", "analyst", "data"}),
        actions=AD_ACTIONS,
    ),
    "cs": Grant(
        frozenset({"skills", "cs", "reports"}), skill_tags=frozenset({"cs"}), actions=frozenset()
    ),
    "widget": Grant(frozenset(), skill_tags=frozenset(), actions=frozenset()),
}
"""The role → permission table (see the module docstring)."""


@dataclass(frozen=True)
class Principal:
    """The caller: a live token, its store and its role's grant."""

    token: TokenInfo

    @property
    def grant(self) -> Grant:
        """What the token's role may do."""
        return GRANTS[self.token.role]

    @property
    def actor(self) -> str:
        """How the audit trail names this caller."""
        return f"api:{self.token.role}:{self.token.label or self.token.token_id}"

    def may_run(self, tags: tuple[str, ...]) -> bool:
        """Whether the role may run a skill with these tags."""
        allowed = self.grant.skill_tags
        return allowed is None or bool(allowed.intersection(tags))

    def may(self, area: Area) -> bool:
        """Whether the role grants ``area``."""
        return area in self.grant.areas

    def may_act(self, action: str) -> bool:
        """Whether the role may propose, see and decide this action type."""
        allowed = self.grant.actions
        return allowed is None or action in allowed


_bearer = HTTPBearer(auto_error=False, description="A token from `shopkeeper token create`.")
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The request's bearer token, if any (for a route that admits more than :func:`authenticate`)."""
StorePath = Annotated[str, Path(description="Store name (the token's store).")]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def authenticate(
    store: StorePath,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of a store route: 401 without a live token, 403 for another store's path."""
    if credentials is None:
        raise _unauthorized("send Authorization: Bearer <token> (see `shopkeeper token create`)")
    token = verify_token(services.engine, credentials.credentials)
    if token is None:
        raise _unauthorized("unknown or revoked token")
    scoped = token.for_store(store)
    if scoped is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this token is not valid for this store")
    return Principal(scoped)


def require(area: Area) -> Callable[[Principal], Principal]:
    """A dependency: the caller, whose role must grant ``area`` (else 403)."""

    def check(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
        if area not in principal.grant.areas:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {principal.token.role!r} may not use {area}",
            )
        return principal

    return check


def forbidden(what: str, principal: Principal) -> HTTPException:
    """A 403 for something outside the caller's role."""
    return HTTPException(
        status.HTTP_403_FORBIDDEN, f"role {principal.token.role!r} may not use {what}"
    )


class Me(BaseModel):
    """The caller's token and what its role may do."""

    token_id: str
    store: str
    role: Role
    label: str
    areas: list[str]
    skill_tags: list[str] | None
    actions: list[str] | None
    stores: list[str]


router = APIRouter(prefix="/v1/stores/{store}", tags=["auth"])


@router.get("/me")
def me(principal: Annotated[Principal, Depends(authenticate)]) -> Me:
    """The token used and what its role may do."""
    g, t = principal.grant, principal.token
    return Me(
        token_id=t.token_id,
        store=t.store,
        role=t.role,
        label=t.label,
        areas=sorted(g.areas),
        skill_tags=sorted(g.skill_tags) if g.skill_tags is not None else None,
        actions=sorted(g.actions) if g.actions is not None else None,
        stores=t.stores,
    )

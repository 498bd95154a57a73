"""What a team run gives back: the answer, the skill calls it rests on, and its fixed wording
(the sources line under an answer, "cannot help", "stopped by a usage cap").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shopkeeper.agents.routing import RouteDecision
from shopkeeper.skills.render import params_text
from shopkeeper.text import pick


class Source(BaseModel):
    """A skill call an answer rests on."""

    skill: str
    employee: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    ok: bool = True


class AskResult(BaseModel):
    """The team's answer to one request."""

    answer: str
    skills: list[str] = Field(description="the skills called, in order")
    run_id: str
    status: str = "ok"
    decision: RouteDecision | None = None
    sources: list[Source] = Field(default_factory=list)


def _limit_text(lang: str, why: str) -> str:
    return pick(lang, f"这次请求超出了用量上限，已停止：{why}", f"Stopped: {why}.")


def _sources_line(sources: list[Source], lang: str) -> str:
    if not sources:
        return ""
    calls = []
    for s in sources:
        args = ", ".join(
            params_text(v) if isinstance(v, dict) else f"{k}={v}"
            for k, v in s.arguments.items()
            if k not in ("reason", "target") and v not in ({}, None, "")
        )
        calls.append(f"{s.skill}({args})")
    return pick(lang, "依据：", "Sources: ") + " · ".join(calls)


def _cannot_help(decision: RouteDecision, lang: str) -> str:
    lines = pick(
        lang,
        [decision.reason or "这个我做不了。", "我可以帮你做这些，比如："],
        [decision.reason or "I can't do that.", "Here is what I can do, for example:"],
    )
    return "\n".join([*lines, *[f"- {s}" for s in decision.suggestions]])

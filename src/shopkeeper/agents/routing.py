"""The store manager's routing decision: a typed plan, never free text with a silent default.

The manager model must answer by calling the ``route`` tool with a :class:`RouteDecision`. The
runtime validates it against the team and the registry (the employee exists, the skill is that
employee's); an invalid decision is sent back to the model with the errors, once, and then the run
fails with :class:`RoutingError` rather than guessing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from shopkeeper.agents.team import EmployeeName, employee
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.base import Message, ToolSpec
from shopkeeper.skills.registry import SkillRegistry

ROUTE_TOOL = "route"


class RoutingError(ShopkeeperError, ValueError):
    """The manager produced no valid routing decision."""


class PlannedStep(BaseModel):
    """One part of the request, handed to one employee."""

    employee: EmployeeName = Field(description="who does this step")
    task: str = Field(min_length=1, description="the part of the request this employee handles")
    skill: str | None = Field(default=None, description="the skill expected to answer it")
    arguments: dict[str, Any] = Field(
        default_factory=dict, description="arguments for that skill, if known"
    )


class RouteDecision(BaseModel):
    """The manager's decision: a plan of one or more steps, an honest "cannot help", or a short
    reply to small talk (a greeting, thanks).
    """

    decision: Literal["plan", "cannot_help", "reply"]
    steps: list[PlannedStep] = Field(default_factory=list, max_length=6)
    reason: str = Field(
        default="", description="why this plan, why no plan, or the reply (decision: reply)"
    )
    suggestions: list[str] = Field(
        default_factory=list, description="what the team can do instead (for cannot_help)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> RouteDecision:
        if self.decision == "plan" and not self.steps:
            raise ValueError("a plan needs at least one step")
        if self.decision != "plan" and self.steps:
            raise ValueError(f"{self.decision} takes no steps")
        return self


class Turn(BaseModel):
    """The previous exchange of a conversation: what was asked, the plan and the answer."""

    request: str
    decision: RouteDecision | None = None
    answer: str = ""


PREVIOUS_CALL_ID = "previous_route"
"""The id of the previous turn's ``route`` call in the manager's messages (see :class:`Turn`)."""

PLANNED = "The manager's plan for this step: "
"""How a step's planned skill call reaches the employee (a system message, then JSON)."""


def planned_note(step: PlannedStep) -> str | None:
    """The system message telling the employee the call the manager planned, if it named one."""
    if step.skill is None:
        return None
    call = {"skill": step.skill, "arguments": step.arguments}
    return PLANNED + json.dumps(call, ensure_ascii=False)


def planned_call(messages: Sequence[Message]) -> tuple[str, dict[str, Any]] | None:
    """The call the manager planned for this step (see :func:`planned_note`), if any."""
    for m in messages:
        if m.role == "system" and m.content.startswith(PLANNED):
            call = json.loads(m.content[len(PLANNED) :])
            return str(call["skill"]), dict(call["arguments"])
    return None


def route_tool() -> ToolSpec:
    """The tool the manager answers with."""
    return ToolSpec(
        name=ROUTE_TOOL,
        description=(
            "Decide who handles the merchant's request: a plan of steps (one per employee task), "
            "cannot_help with suggestions of what the team can do, or reply (the reply in reason) "
            "to a greeting or thanks. A follow-up refines the previous turn's plan."
        ),
        parameters=RouteDecision.model_json_schema(),
    )


def parse_decision(arguments: dict[str, Any], registry: SkillRegistry) -> RouteDecision:
    """Validate a ``route`` call: the shape, the employees and that each skill is theirs."""
    try:
        decision = RouteDecision.model_validate(arguments)
    except ValidationError as exc:
        raise RoutingError(f"invalid routing decision: {exc}") from exc
    problems = []
    for step in decision.steps:
        if step.skill is None:
            continue
        if step.skill not in registry:
            problems.append(f"unknown skill {step.skill!r}")
        elif not employee(step.employee).owns(registry.get(step.skill)):
            problems.append(f"skill {step.skill!r} is not the {step.employee}'s")
    if problems:
        raise RoutingError("invalid routing decision: " + "; ".join(problems))
    return decision

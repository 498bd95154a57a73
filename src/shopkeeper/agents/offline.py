"""The offline model: deterministic routing and templated answers behind the same protocol as an LLM.

It is what the team uses when no model is configured (and the last model of a fallback chain).
Given the ``route`` tool it decides a plan with :class:`~shopkeeper.agents.router.Router`; given
an employee's tools it calls the skill that fits the task; given tool results it writes the answer
from each result's own ``render`` (:mod:`shopkeeper.skills.render`). No network, no randomness.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import cached_property

from shopkeeper import clock
from shopkeeper.agents.followup import follow_up, previous_turn
from shopkeeper.agents.intents import Intent
from shopkeeper.agents.router import Router
from shopkeeper.agents.routing import ROUTE_TOOL, PlannedStep, RouteDecision, Turn, planned_call
from shopkeeper.agents.scope import small_talk
from shopkeeper.agents.team import EMPLOYEES, EmployeeName, employee
from shopkeeper.agents.tools import tool_names
from shopkeeper.llm.base import (
    Message,
    ModelResponse,
    ModelSettings,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolSpec,
    Usage,
)
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry, load_registry
from shopkeeper.skills.render import Lang, answer, generic
from shopkeeper.text import detect_lang, pick


def _example(intent: Intent, lang: str) -> str:
    for e in intent.examples:
        if detect_lang(e) == lang:
            return e
    return intent.examples[0]


class OfflineModel:
    """Rules and templates, speaking the :class:`~shopkeeper.llm.base.Model` protocol."""

    def __init__(self, settings: Settings, registry: SkillRegistry | None = None) -> None:
        self.settings = settings
        self.registry = registry if registry is not None else load_registry()

    @property
    def name(self) -> str:
        """Always ``offline:rules``."""
        return "offline:rules"

    @property
    def external(self) -> bool:
        """Nothing leaves the machine."""
        return False

    @cached_property
    def router(self) -> Router:
        """The router over this registry (example embeddings cached in the home folder)."""
        return Router(
            self.registry,
            cache_dir=self.settings.home / "cache",
            today=lambda: clock.now(self.settings).date(),
        )

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """Route, call a skill, or write the answer — depending on where the conversation is."""
        users = [m.content for m in messages if m.role == "user"]
        request = users[-1] if users else ""
        lang = (settings.language if settings else None) or detect_lang(request)
        names = tool_names(tools)  # a spec is built (its module imported) only when read
        if messages and messages[-1].role == "tool":
            return self._answer(messages, lang)
        if ROUTE_TOOL in names:
            decision = self.decide(request, lang, previous_turn(messages))
            return self._call(ROUTE_TOOL, decision.model_dump(mode="json"))
        planned = planned_call(messages)
        if planned is not None and planned[0] in names:
            return self._call(*planned)
        if names:
            context = users[0] if len(users) > 1 else request
            routed = self.router.route(
                request, skills=names & set(self.registry_names()), context=context
            )
            if routed:
                calls = [
                    ToolCall(id=f"call_{n}", name=r.intent.skill, arguments=r.arguments)
                    for n, r in enumerate(routed)
                ]
                return ModelResponse(tool_calls=calls, model_name=self.name, usage=Usage())
            text = pick(lang, "这件事我的工具做不了。", "None of my tools can do this.")
            return ModelResponse(text=text, model_name=self.name)
        return ModelResponse(text="", model_name=self.name)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """The same response, its text streamed line by line."""
        response = self.request(messages, tools, settings)
        for line in response.text.splitlines(keepends=True):
            yield TextDelta(text=line)
        yield response

    def registry_names(self) -> list[str]:
        """Names of the registered skills."""
        return self.registry.names()

    def decide(self, request: str, lang: str, previous: Turn | None = None) -> RouteDecision:
        """The routing decision for a request (a follow-up of ``previous`` when it refines it)."""
        if (reply := small_talk(request)) is not None:
            return RouteDecision(decision="reply", reason=pick(lang, *reply))
        routed = self.router.route(request)
        if previous is not None and (
            steps := follow_up(self.router, request, routed, previous, self._owner)
        ):
            reason = pick(lang, "接着上一个问题：", "Following up the last question: ") + ", ".join(
                s.skill or s.employee for s in steps
            )
            return RouteDecision(decision="plan", steps=steps, reason=reason)
        if not routed:
            suggestions = [_example(i, lang) for i in self.router.suggestions(request, k=4)]
            reason = pick(
                lang,
                "这个请求不在我能处理的范围内（我只处理店铺数据和运营）。",
                "This request is outside what I can do (I work on your store's data and operations).",
            )
            return RouteDecision(decision="cannot_help", reason=reason, suggestions=suggestions)
        steps = [
            PlannedStep(
                employee=self._owner(r.intent),
                task=r.text,
                skill=r.intent.skill,
                arguments=r.arguments,
            )
            for r in routed
        ]
        reason = ", ".join(f"{r.intent.name} ({r.score:.2f})" for r in routed)
        return RouteDecision(decision="plan", steps=steps, reason=reason)

    def _owner(self, intent: Intent) -> EmployeeName:
        """The intent's employee if the skill is theirs, else the first employee who owns it."""
        skill = self.registry.get(intent.skill)
        if employee(intent.employee).owns(skill):
            return intent.employee
        return next(e.name for e in EMPLOYEES if e.owns(skill))

    def _call(self, name: str, arguments: dict[str, object]) -> ModelResponse:
        return ModelResponse(
            tool_calls=[ToolCall(id="call_0", name=name, arguments=dict(arguments))],
            model_name=self.name,
        )

    def _answer(self, messages: Sequence[Message], lang: str) -> ModelResponse:
        names = {c.id: c.name for m in messages if m.role == "assistant" for c in m.tool_calls}
        parts = []
        for m in messages:
            if m.role != "tool":
                continue
            skill = names.get(m.tool_call_id or "", m.name or "")
            parts.append(self._render(skill, m.content, lang))
        return ModelResponse(text="\n\n".join(parts), model_name=self.name)

    def _render(self, skill: str, content: str, language: str) -> str:
        lang: Lang = "zh" if language == "zh" else "en"
        try:
            payload = json.loads(content)
        except json.JSONDecodeError:
            return content
        if isinstance(payload, dict) and "error" in payload and len(payload) <= 2:
            prefix = pick(lang, "没能完成：", "Could not do it: ")
            return prefix + str(payload["error"])
        if skill in self.registry:
            result = self.registry.get(skill).output_model.model_validate(payload)
            return answer(result, lang)
        return generic(payload if isinstance(payload, dict) else {"result": payload}, lang)

"""The team at work: the store manager plans, employees call skills, the manager combines.

One :class:`Team` run:

1. the manager model answers the request with the typed ``route`` decision (see
   :mod:`shopkeeper.agents.routing`) — a plan of steps, each for one employee, or "cannot help";
2. each step runs an employee: a tool loop over that employee's skills (plus tools from external
   MCP servers), arguments validated by the skill's input model before it runs;
3. the answers are combined (the model may add an overall summary) and the sources — every skill
   called, with its arguments — are listed under the answer.

Every model request and tool call counts against the run's :class:`UsageLimits`; the whole run is
recorded by a :class:`~shopkeeper.agents.traces.Tracer`. Personal data is masked before anything
goes to an external model.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pydantic import ValidationError

from shopkeeper.agents.answers import AskResult, Source, _cannot_help, _limit_text, _sources_line
from shopkeeper.agents.otel import export_run
from shopkeeper.agents.routing import (
    PREVIOUS_CALL_ID,
    ROUTE_TOOL,
    PlannedStep,
    RouteDecision,
    RoutingError,
    Turn,
    parse_decision,
    planned_note,
    route_tool,
)
from shopkeeper.agents.team import EMPLOYEES, Employee, employee
from shopkeeper.agents.tools import ToolSpecs
from shopkeeper.agents.traces import Tracer
from shopkeeper.agents.usage import UsageLimitExceeded, UsageLimits, UsageMeter
from shopkeeper.context import AppContext
from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.base import (
    Message,
    Model,
    ModelResponse,
    ModelSettings,
    TextDelta,
    ToolCall,
    ToolSpec,
)
from shopkeeper.ops.memory import MemoryQuery, MemoryScope, find_memories
from shopkeeper.settings import Settings
from shopkeeper.skills.registry import SkillRegistry
from shopkeeper.text import detect_lang, pick

ALL_MEMORIES = 12
"""Up to this many memories go to an agent whole; beyond, the most relevant this many."""
MAX_TURNS = 6
"""Model turns one employee may take on one step (the usage caps bound the whole run)."""


class ExtraTools(Protocol):
    """Tools from outside the registry (external MCP servers)."""

    def specs(self) -> list[ToolSpec]:
        """The tools offered."""
        ...

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call one of them."""
        ...


class Team:
    """The store manager and the six employees, for one store, on the edge's resources (``app``:
    settings, the operational database the run is recorded in, the clock).
    """

    def __init__(
        self,
        app: AppContext,
        store: str,
        *,
        model: Model,
        registry: SkillRegistry,
        limits: UsageLimits | None = None,
        lang: str | None = None,
        extra_tools: ExtraTools | None = None,
        redact: Callable[[Any], Any] | None = None,
    ) -> None:
        self.app = app
        self.settings = app.settings
        self.store = store
        self.model = model
        self.registry = registry
        self.engine = app.engine
        self.limits = limits or UsageLimits()
        self.lang = lang
        self.extra_tools = extra_tools
        self.redact = redact

    def run(
        self,
        request: str,
        *,
        on_text: Callable[[str], None] | None = None,
        replay_of: str | None = None,
        previous: Turn | None = None,
    ) -> AskResult:
        """Answer one request (a follow-up of ``previous``, the conversation's last turn, when
        given); the run is recorded whatever happens.
        """
        lang = self.lang or detect_lang(_worded(request, previous))
        tracer = Tracer(
            self.store,
            request,
            lang=lang,
            model=self.model.name,
            replay_of=replay_of,
            **({"redact": self.redact} if self.redact else {}),
        )
        meter = UsageMeter(self.limits)
        run = _Run(self, tracer, meter, lang, on_text, previous)
        try:
            result = run.execute(request)
        except UsageLimitExceeded as exc:
            tracer.run.status, tracer.run.error = "limit", str(exc)
            result = run.result(_limit_text(lang, str(exc)))
        except ShopkeeperError as exc:
            tracer.run.status, tracer.run.error = "error", str(exc)
            tracer.run.usage = meter.usage
            export_run(tracer.save(self.engine))
            raise
        tracer.run.answer, tracer.run.usage = str(tracer.redact(result.answer)), meter.usage
        tracer.run.skills = result.skills
        tracer.run.cost = _cost(self.settings, self.model, meter)
        export_run(tracer.save(self.engine))
        return result.model_copy(update={"status": tracer.run.status})


def _worded(request: str, previous: Turn | None) -> str:
    """The text whose language the answer follows: the request, or for a reply without words
    ("070350") the previous question of the conversation.
    """
    if previous is not None and not re.search(r"[A-Za-z\u4e00-\u9fff]", request):
        return previous.request
    return request


def _cost(settings: Settings, model: Model, meter: UsageMeter) -> float | None:
    if not model.external:
        return 0.0
    price_in, price_out = settings.model_price_in, settings.model_price_out
    if price_in is None or price_out is None:
        return None
    usage = meter.usage
    return round((usage.input_tokens * price_in + usage.output_tokens * price_out) / 1e6, 6)


class _Run:
    """The state of one run (kept off the Team so a Team can serve many runs)."""

    def __init__(
        self,
        team: Team,
        tracer: Tracer,
        meter: UsageMeter,
        lang: str,
        on_text: Callable[[str], None] | None,
        previous: Turn | None = None,
    ) -> None:
        self.team, self.tracer, self.meter, self.lang = team, tracer, meter, lang
        self.on_text = on_text
        self.previous = previous
        self.sources: list[Source] = []
        self.decision: RouteDecision | None = None
        self.request = ""
        self.settings = ModelSettings(
            language=pick(lang, "zh", "en"),
            timeout_s=team.settings.model_timeout_s,
        )

    def result(self, answer: str) -> AskResult:
        return AskResult(
            answer=answer,
            skills=[s.skill for s in self.sources],
            run_id=self.tracer.run.run_id,
            decision=self.decision,
            sources=self.sources,
        )

    def execute(self, request: str) -> AskResult:
        self.request = request
        decision = self.route(request)
        self.decision = self.tracer.run.plan = decision
        if decision.decision != "plan":
            text = decision.reason if decision.decision == "reply" else ""
            text = text or _cannot_help(decision, self.lang)
            self._emit(text)
            return self.result(text)
        sections = []
        for step in decision.steps:
            who = employee(step.employee)
            if len(decision.steps) > 1:
                self._emit(
                    pick(
                        self.lang,
                        f"\n【{who.title(self.lang)}】\n",
                        f"\n[{who.title('en')}]\n",
                    )
                )
            sections.append((who, self.employee_step(who, step)))
        return self.result(self.combine(request, sections))

    # -- the manager -------------------------------------------------------------------------
    def _memory_lines(self, text: str, scope: MemoryScope | None) -> str:
        """What the merchant told the team, for this agent (``scope``: an employee, or None for
        the manager): all of it while it is short, else the most relevant (BM25 over jieba
        tokens, which costs the dictionary load).
        """
        engine, store = self.team.engine, self.team.store
        mine = find_memories(engine, store, MemoryQuery(scope=scope))
        found = (
            mine
            if len(mine) <= ALL_MEMORIES
            else find_memories(engine, store, MemoryQuery(query=text, scope=scope, k=ALL_MEMORIES))
        )
        if not found:
            return ""
        head = pick(self.lang, "店主交代过：", "The merchant has told the team:")
        return "\n" + head + "\n" + "\n".join(f"- {m.text}" for m in found)

    def _manager_prompt(self) -> str:
        roster = "\n".join(
            f"- {e.name}: {e.title(self.lang)} — {e.scope(self.lang)}; skills: "
            + ", ".join(e.skill_names(self.team.registry))
            for e in EMPLOYEES
        )
        head = pick(
            self.lang,
            f"你是店铺「{self.team.store}」的AI店长。把店主的请求拆成步骤交给合适的员工，用 route 工具回答。团队：\n",
            f"You are the AI store manager of {self.team.store!r}. Split the merchant's request into steps for the right employees and answer with the route tool. The team:\n",
        )
        return head + roster

    def route(self, request: str) -> RouteDecision:
        messages = [
            Message(
                role="system", content=self._manager_prompt() + self._memory_lines(request, None)
            ),
            *self._history(),
            Message(role="user", content=request),
        ]
        for attempt in range(2):
            response = self.ask_model("manager", messages, [route_tool()])
            calls = [c for c in response.tool_calls if c.name == ROUTE_TOOL]
            try:
                if len(calls) != 1:
                    raise RoutingError(
                        f"the manager must call {ROUTE_TOOL!r} exactly once, got {len(calls)} calls"
                    )
                decision = parse_decision(calls[0].arguments, self.team.registry)
            except RoutingError as exc:
                self.tracer.add("route", "manager", ROUTE_TOOL, ok=False, error=str(exc))
                if attempt == 1:
                    raise
                messages += [
                    Message(
                        role="assistant", content=response.text, tool_calls=response.tool_calls
                    ),
                    *[
                        Message(
                            role="tool",
                            tool_call_id=c.id,
                            name=c.name,
                            content=json.dumps({"error": str(exc)}),
                        )
                        for c in response.tool_calls
                    ],
                    Message(
                        role="user", content=f"{exc}. Call {ROUTE_TOOL} once with a valid decision."
                    ),
                ]
                continue
            self.tracer.add(
                "route",
                "manager",
                ROUTE_TOOL,
                arguments=calls[0].arguments,
                result=decision.model_dump(mode="json"),
            )
            return decision
        raise RoutingError("unreachable")  # pragma: no cover

    def _history(self) -> list[Message]:
        """The conversation's previous turn, as the manager saw and answered it."""
        turn = self.previous
        if turn is None or turn.decision is None:
            return []
        call = ToolCall(
            id=PREVIOUS_CALL_ID,
            name=ROUTE_TOOL,
            arguments=turn.decision.model_dump(mode="json"),
        )
        return [
            Message(role="user", content=turn.request),
            Message(role="assistant", content="", tool_calls=[call]),
            Message(
                role="tool",
                tool_call_id=call.id,
                name=ROUTE_TOOL,
                content=turn.answer[:2000] or "ok",
            ),
        ]

    # -- employees ---------------------------------------------------------------------------
    def tools_of(self, who: Employee) -> ToolSpecs:
        """The employee's skills, then the external tools (each spec built when a model reads
        it: the offline model reads only names, so only the skill it calls is imported).
        """
        extra = self.team.extra_tools.specs() if self.team.extra_tools is not None else []
        return ToolSpecs(who.skill_names(self.team.registry), self.team.registry, extra)

    def employee_step(self, who: Employee, step: PlannedStep) -> str:
        specs = self.tools_of(who)
        task = step.task
        note = planned_note(step)
        messages = [
            Message(
                role="system",
                content=who.persona(self.lang, self.team.store)
                + self._memory_lines(task, who.name),
            ),
            Message(role="user", content=self.request),
            Message(role="user", content=task),
            *([Message(role="system", content=note)] if note else []),
        ]
        for _ in range(MAX_TURNS):
            response = self.ask_model(who.name, messages, specs, stream=True)
            if not response.tool_calls:
                return response.text
            messages.append(
                Message(role="assistant", content=response.text, tool_calls=response.tool_calls)
            )
            for call in response.tool_calls:
                content = self.call_tool(who, specs.skills, call.name, call.arguments)
                messages.append(
                    Message(role="tool", tool_call_id=call.id, name=call.name, content=content)
                )
        raise UsageLimitExceeded(f"the {who.name} took more than {MAX_TURNS} turns on one step")

    def call_tool(
        self, who: Employee, skills: Sequence[str], name: str, arguments: dict[str, Any]
    ) -> str:
        self.meter.count_tool_call()
        with self.tracer.timed("tool", who.name, name, arguments=arguments) as step:
            skill = self.team.registry.get(name) if name in skills else None
            if skill is None:
                extra = self.team.extra_tools
                if extra is None or name not in {s.name for s in extra.specs()}:
                    step.ok, step.error = False, f"unknown tool {name!r}"
                    return json.dumps(
                        {"error": f"unknown tool {name!r}; use one of {sorted(skills)}"}
                    )
                result = extra.call(name, arguments)
                step.result = result
                self.sources.append(Source(skill=name, employee=who.name, arguments=arguments))
                return json.dumps(result, ensure_ascii=False, default=str)
            try:
                args = skill.input_model.model_validate(arguments)
            except ValidationError as exc:
                step.ok, step.error = False, str(exc)
                return json.dumps(
                    {"error": f"invalid arguments for {name}: {exc}"}, ensure_ascii=False
                )
            step.arguments = args.model_dump(mode="json", exclude_unset=True)
            ctx = self.team.app.store(self.team.store, self.lang)
            try:
                output = skill(ctx, args)
            except ShopkeeperError as exc:
                step.ok, step.error = False, str(exc)
                self.sources.append(
                    Source(skill=name, employee=who.name, arguments=step.arguments, ok=False)
                )
                return json.dumps({"error": str(exc)}, ensure_ascii=False)
            payload = output.model_dump(mode="json", by_alias=True)
            step.result = _summary(payload)
            self.sources.append(Source(skill=name, employee=who.name, arguments=step.arguments))
            return json.dumps(payload, ensure_ascii=False)

    # -- the model ---------------------------------------------------------------------------
    def ask_model(
        self,
        agent: str,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec],
        *,
        stream: bool = False,
    ) -> ModelResponse:
        self.meter.check_request()
        model = self.team.model
        started = time.perf_counter()
        response: ModelResponse | None = None
        if stream and self.on_text is not None:
            for event in model.stream(messages, tools, self.settings):
                if isinstance(event, TextDelta):
                    self.on_text(event.text)
                else:
                    response = event
        else:
            response = model.request(messages, tools, self.settings)
        assert response is not None
        self.meter.count_request(response.usage)
        self.tracer.add(
            "model",
            agent,
            model.name,
            result={
                "text": response.text[:500],
                "tool_calls": [c.name for c in response.tool_calls],
            },
            ms=round((time.perf_counter() - started) * 1000, 2),
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
        )
        return response

    def _emit(self, text: str) -> None:
        if self.on_text is not None:
            self.on_text(text)

    def combine(self, request: str, sections: list[tuple[Employee, str]]) -> str:
        if len(sections) == 1:
            body = sections[0][1]
        else:
            parts = [
                pick(
                    self.lang,
                    f"【{who.title(self.lang)}】\n{text}",
                    f"[{who.title('en')}]\n{text}",
                )
                for who, text in sections
            ]
            titles = dict.fromkeys(w.title(self.lang) for w, _ in sections)
            names = (pick(self.lang, "、", ", ")).join(titles)
            head = pick(
                self.lang,
                f"这个请求分成了 {len(sections)} 步，由{names}分别完成：",
                f"I split this into {len(sections)} steps for the {names}:",
            )
            body = head + "\n\n" + "\n\n".join(parts)
        footer = _sources_line(self.sources, self.lang)
        return body.strip() + ("\n\n" + footer if footer else "")


def _summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What a trace keeps of a result: the top-level numbers and the size of each list."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, list):
            out[key] = {"count": len(value), "first": value[:3]}
        else:
            out[key] = value
    return out

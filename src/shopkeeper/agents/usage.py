"""Caps on what one agent run may use: model requests, tool calls and tokens.

>>> limits = UsageLimits(request_limit=2)
>>> meter = UsageMeter(limits)
>>> meter.count_request(Usage(input_tokens=10, output_tokens=5))
>>> meter.count_request(Usage())
>>> meter.count_request(Usage())
Traceback (most recent call last):
...
shopkeeper.agents.usage.UsageLimitExceeded: the run reached its cap of 2 model requests
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from shopkeeper.errors import ShopkeeperError
from shopkeeper.llm.base import Usage


class UsageLimitExceeded(ShopkeeperError, RuntimeError):
    """A run hit one of its caps; it stops and is recorded with status ``limit``."""


class UsageLimits(BaseModel):
    """The caps of one run (the whole team together)."""

    request_limit: int = Field(default=24, ge=1, description="model requests")
    tool_calls_limit: int = Field(default=24, ge=1, description="tool (skill) calls")
    total_tokens_limit: int = Field(default=200_000, ge=1, description="input + output tokens")


class RunUsage(BaseModel):
    """What a run used so far."""

    requests: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


class UsageMeter:
    """Counts a run's usage and raises :class:`UsageLimitExceeded` past a cap."""

    def __init__(self, limits: UsageLimits) -> None:
        self.limits = limits
        self.usage = RunUsage()

    def check_request(self) -> None:
        """Before a model request: fail if another one is not allowed."""
        if self.usage.requests >= self.limits.request_limit:
            raise UsageLimitExceeded(
                f"the run reached its cap of {self.limits.request_limit} model requests"
            )

    def count_request(self, usage: Usage) -> None:
        """After a model request: add what it used, and check the caps."""
        self.check_request()
        self.usage.requests += 1
        self.usage.input_tokens += usage.input_tokens
        self.usage.output_tokens += usage.output_tokens
        total = self.usage.input_tokens + self.usage.output_tokens
        if total > self.limits.total_tokens_limit:
            raise UsageLimitExceeded(
                f"the run used {total} tokens, over its cap of {self.limits.total_tokens_limit}"
            )

    def count_tool_call(self) -> None:
        """Before a tool call: fail if another one is not allowed, else count it."""
        if self.usage.tool_calls >= self.limits.tool_calls_limit:
            raise UsageLimitExceeded(
                f"the run reached its cap of {self.limits.tool_calls_limit} tool calls"
            )
        self.usage.tool_calls += 1

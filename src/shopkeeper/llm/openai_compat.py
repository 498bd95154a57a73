"""An OpenAI-compatible chat-completions client over httpx (DashScope, DeepSeek, OpenAI, Ollama...).

Retries, with exponential backoff, happen only on declared transient failures: a timeout, a
connection error, HTTP 429 or 5xx. When they run out the error is :class:`ModelRetryableError`
(a :class:`~shopkeeper.llm.registry.FallbackModel` moves on); any other 4xx is a
:class:`ModelError` at once, quoting the status and the start of the body. Every request checks
:data:`shopkeeper.llm.base.ALLOW_MODEL_REQUESTS` before any network I/O.

>>> m = OpenAICompatModel("ollama:qwen3", "http://127.0.0.1:11434/v1", "qwen3")
>>> m.name, m.external
('ollama:qwen3', False)
>>> OpenAICompatModel("openai:gpt-4o", "https://api.openai.com/v1", "gpt-4o").external
True
"""

from __future__ import annotations

import ipaddress
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx

from shopkeeper.llm import base
from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelResponse,
    ModelRetryableError,
    ModelSettings,
    StreamEvent,
    TextDelta,
    ToolSpec,
)
from shopkeeper.llm.openai_format import StreamAccumulator, parse_completion, request_body

RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
"""HTTP statuses worth another try (429 and the 5xx a gateway or an overloaded model returns)."""


def is_loopback(base_url: str) -> bool:
    """True when ``base_url`` points at this machine.

    >>> is_loopback("http://localhost:11434/v1"), is_loopback("http://[::1]:8080"), is_loopback("https://api.deepseek.com")
    (True, True, False)
    """
    host = (urlsplit(base_url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _excerpt(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class OpenAICompatModel:
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint."""

    def __init__(
        self,
        name: str,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout_s: float | None = None,
        retries: int = 2,
        backoff_s: float = 0.5,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._name = name
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.headers = dict(headers or {})
        self._transport = transport
        self._sleep = sleep
        self._client: httpx.Client | None = None

    def __repr__(self) -> str:
        return f"OpenAICompatModel({self._name!r}, base_url={self.base_url!r})"

    @property
    def name(self) -> str:
        """The ``provider:model`` string this model was made from."""
        return self._name

    @property
    def external(self) -> bool:
        """True unless the base URL is loopback."""
        return not is_loopback(self.base_url)

    def close(self) -> None:
        """Close the HTTP connection pool (a later request opens a new one)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> OpenAICompatModel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _http(self) -> httpx.Client:
        if self._client is None:
            headers = {"Accept": "application/json", **self.headers}
            if self.api_key:
                headers["Authorization"] = f"Bearer {self.api_key}"
            self._client = httpx.Client(headers=headers, transport=self._transport)
        return self._client

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """One request: the whole response at once."""
        settings = settings or self._default_settings()
        body = request_body(self.model, messages, tools, settings)
        with self._send(body, settings) as response:
            text = response.text
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(
                f"model {self._name!r} answered with a body that is not JSON: {_excerpt(text)!r}"
            ) from exc
        return parse_completion(data, self._name)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """One request, streamed (SSE): text deltas, then the full :class:`ModelResponse`."""
        settings = settings or self._default_settings()
        body = request_body(self.model, messages, tools, settings, stream=True)
        acc = StreamAccumulator(self._name)
        with self._send(body, settings, stream=True) as response:
            try:
                for data in _sse_data(response.iter_lines()):
                    if data == "[DONE]":
                        break
                    try:
                        chunk = json.loads(data)
                    except json.JSONDecodeError as exc:
                        raise ModelError(
                            f"model {self._name!r} streamed a chunk that is not JSON: "
                            f"{_excerpt(data)!r}"
                        ) from exc
                    if (delta := acc.feed(chunk)) is not None:
                        yield TextDelta(text=delta)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                raise ModelRetryableError(
                    f"model {self._name!r}: the stream broke off: {exc!r}"
                ) from exc
        yield acc.response()

    def _default_settings(self) -> ModelSettings:
        return (
            ModelSettings() if self.timeout_s is None else ModelSettings(timeout_s=self.timeout_s)
        )

    @contextmanager
    def _send(
        self, body: dict[str, Any], settings: ModelSettings, *, stream: bool = False
    ) -> Iterator[httpx.Response]:
        """POST ``body``, retrying declared transient failures; the response's body is read
        already unless ``stream``.
        """
        base.check_model_requests_allowed(self._name)
        response = self._open(body, httpx.Timeout(settings.timeout_s), stream)
        try:
            yield response
        finally:
            response.close()

    def _open(self, body: dict[str, Any], timeout: httpx.Timeout, stream: bool) -> httpx.Response:
        url = f"{self.base_url}/chat/completions"
        problem, wait = "", None
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(wait if wait is not None else self._backoff(attempt))
            wait = None
            try:
                request = self._http().build_request("POST", url, json=body, timeout=timeout)
                response = self._http().send(request, stream=True)
                if response.status_code < 400 and stream:
                    return response
                try:
                    response.read()
                finally:
                    response.close()
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code < 400:
                return response
            problem = f"HTTP {response.status_code}: {_excerpt(response.text)}"
            if response.status_code not in RETRYABLE_STATUS:
                raise ModelError(f"model {self._name!r} at {url} refused the request: {problem}")
            wait = _retry_after(response)
        raise ModelRetryableError(
            f"model {self._name!r} at {url} failed after {self.retries + 1} attempt(s): {problem}"
        )

    def _backoff(self, attempt: int) -> float:
        return float(self.backoff_s * 2 ** (attempt - 1) * (0.5 + random.random()))


def _retry_after(response: httpx.Response, cap_s: float = 30.0) -> float | None:
    """A ``Retry-After`` in seconds the server asked for (capped), if it gave one."""
    try:
        return min(float(response.headers.get("retry-after", "")), cap_s)
    except ValueError:
        return None


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The ``data:`` payloads of a server-sent event stream (multi-line data joined)."""
    buffer: list[str] = []
    for line in lines:
        if not line:
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        if line.startswith("data:"):
            buffer.append(line[5:].removeprefix(" "))
    if buffer:
        yield "\n".join(buffer)

"""A local GGUF model run in-process by llama.cpp, through the optional ``xllamacpp`` binding.

``llamacpp:/path/model.gguf`` loads the weights on the first request (not when the model object
is made) into xllamacpp's embedded llama.cpp server and talks to it in the OpenAI chat format
(``Server.handle_chat_completions``): its Jinja chat templates turn ``tools`` into the model's
own tool-calling format and parse the calls back. One CPU thread by default, so a laptop that
also runs the warehouse stays responsive. Install with ``pip install 'shopkeeper[llamacpp]'``.
"""

from __future__ import annotations

import importlib
import importlib.util
import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from shopkeeper.errors import ConfigError
from shopkeeper.llm import base
from shopkeeper.llm.base import (
    Message,
    ModelError,
    ModelResponse,
    ModelSettings,
    StreamEvent,
    TextDelta,
    ToolSpec,
)
from shopkeeper.llm.openai_format import StreamAccumulator, parse_completion, request_body
from shopkeeper.settings import Settings

INSTALL_HINT = "pip install 'shopkeeper[llamacpp]'"


def require_xllamacpp() -> None:
    """Raise :class:`ConfigError` with the install command when ``xllamacpp`` is missing."""
    if importlib.util.find_spec("xllamacpp") is None:
        raise ConfigError(f"llamacpp models need the optional package 'xllamacpp': {INSTALL_HINT}")


def _error(result: object) -> str | None:
    """The error in a result of ``handle_chat_completions`` (nested or flat), if any."""
    if not isinstance(result, dict) or "choices" in result:
        return None
    err = result.get("error", result)
    if isinstance(err, dict) and ("message" in err or "code" in err):
        return f"{err.get('code', '')} {err.get('message', '')}".strip()
    return None


class LlamaCppModel:
    """A GGUF file served in-process by xllamacpp; never external."""

    def __init__(
        self, path: str | Path, settings: Settings, *, threads: int = 1, n_ctx: int = 8192
    ) -> None:
        del settings  # the same constructor as every registry model; nothing to read yet
        require_xllamacpp()
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise ConfigError(f"llamacpp model file {str(self.path)!r} does not exist")
        self.threads = threads
        self.n_ctx = n_ctx
        self._server: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """``llamacpp:<path>``."""
        return f"llamacpp:{self.path}"

    @property
    def external(self) -> bool:
        """Never: the weights run in this process."""
        return False

    def _load(self) -> Any:
        base.check_model_requests_allowed(self.name)
        with self._lock:
            if self._server is None:
                xlc: Any = importlib.import_module("xllamacpp")
                params = xlc.CommonParams()
                params.model.path = str(self.path)
                params.n_ctx = self.n_ctx
                params.n_parallel = 1
                params.use_jinja = True
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                self._server = xlc.Server(params)
            return self._server

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """One chat completion, in-process."""
        server = self._load()
        body = request_body(self.path.stem, messages, tools, settings or ModelSettings())
        result = server.handle_chat_completions(body)
        if (problem := _error(result)) is not None:
            raise ModelError(f"model {self.name!r} failed: {problem}")
        return parse_completion(result, self.name)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """One chat completion, streamed from a worker thread through a queue."""
        server = self._load()
        body = request_body(
            self.path.stem, messages, tools, settings or ModelSettings(), stream=True
        )
        chunks: queue.Queue[object] = queue.Queue()
        done = object()
        stop = threading.Event()

        def on_chunk(chunk: object) -> bool:
            chunks.put(chunk)
            return stop.is_set()  # True stops the generation

        def run() -> None:
            try:
                server.handle_chat_completions(body, on_chunk)
            finally:
                chunks.put(done)

        worker = threading.Thread(target=run, name="llamacpp-stream", daemon=True)
        worker.start()
        acc = StreamAccumulator(self.name)
        try:
            while (chunk := chunks.get()) is not done:
                if (problem := _error(chunk)) is not None:
                    raise ModelError(f"model {self.name!r} failed: {problem}")
                if (delta := acc.feed(chunk)) is not None:
                    yield TextDelta(text=delta)
        finally:
            stop.set()
            worker.join()
        yield acc.response()

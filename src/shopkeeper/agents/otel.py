"""Optional OpenTelemetry export of agent runs.

Every recorded run is also emitted as a trace through the OpenTelemetry **API** (a dependency of
FastAPI and MCP, so always importable): one ``agent.run`` span with a child span per step, carrying
the model, skills, tokens and status as attributes. Without an SDK configured the API is a no-op.
To export, install the extra (``pip install 'shopkeeper[otel]'``) and either configure the SDK
yourself or set ``SHOPKEEPER_OTEL_ENDPOINT`` (an OTLP/HTTP traces URL, e.g.
``http://localhost:4318/v1/traces``): :func:`configure` installs a batch exporter to it.
"""

from __future__ import annotations

import datetime as dt

from opentelemetry import trace

from shopkeeper.agents.traces import Run
from shopkeeper.errors import ConfigError
from shopkeeper.settings import Settings

_configured: set[str] = set()


def configure(settings: Settings) -> None:
    """Install the OTLP/HTTP exporter named by the settings (once per endpoint per process)."""
    endpoint = settings.otel_endpoint
    if not endpoint or endpoint in _configured:
        return
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise ConfigError(
            f"SHOPKEEPER_OTEL_ENDPOINT={endpoint!r} needs the OpenTelemetry SDK: "
            "pip install 'shopkeeper[otel]'"
        ) from exc
    provider = TracerProvider(resource=Resource.create({"service.name": "shopkeeper"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _configured.add(endpoint)


def _ns(at: dt.datetime) -> int:
    return int(at.timestamp() * 1e9)


def export_run(run: Run) -> None:
    """Emit a recorded run as an ``agent.run`` span with one child span per step."""
    tracer = trace.get_tracer("shopkeeper.agents")
    start = _ns(run.started_at)
    end = _ns(run.finished_at or run.started_at)
    root = tracer.start_span(
        "agent.run",
        start_time=start,
        attributes={
            "shopkeeper.store": run.store,
            "shopkeeper.run_id": run.run_id,
            "shopkeeper.status": run.status,
            "gen_ai.request.model": run.model,
            "shopkeeper.skills": run.skills,
            "gen_ai.usage.input_tokens": run.usage.input_tokens,
            "gen_ai.usage.output_tokens": run.usage.output_tokens,
            "shopkeeper.tool_calls": run.usage.tool_calls,
        },
    )
    context = trace.set_span_in_context(root)
    cursor = start
    for step in run.steps:
        span = tracer.start_span(
            f"{step.kind} {step.name}",
            context=context,
            start_time=cursor,
            attributes={
                "shopkeeper.agent": step.agent,
                "shopkeeper.ok": step.ok,
                "gen_ai.usage.input_tokens": step.input_tokens,
                "gen_ai.usage.output_tokens": step.output_tokens,
            },
        )
        if not step.ok:
            span.set_status(trace.Status(trace.StatusCode.ERROR, step.error or ""))
        cursor = min(end, cursor + int(step.ms * 1e6))
        span.end(end_time=cursor)
    if run.status != "ok":
        root.set_status(trace.Status(trace.StatusCode.ERROR, run.error or run.status))
    root.end(end_time=end)

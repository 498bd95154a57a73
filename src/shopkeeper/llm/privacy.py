"""Mask buyers' personal data before store data goes to a model outside this machine.

A :class:`Masker` replaces phone numbers, landlines, emails, ID-card numbers and street
addresses (keeping province and city) found by pattern (:mod:`shopkeeper.llm.pii`), plus the
names and nicks it was told about (:meth:`Masker.add_known`, :meth:`Masker.from_warehouse`),
with placeholders: the same value always gets the same placeholder (``[买家1]``, ``[buyer1]``),
so the model can still reason about "this buyer ordered twice". JSON tool results are masked by
key as well (``receiver_phone`` is personal whatever it looks like). The model's answer is
unmasked on the way back, so the merchant reads — and the tools receive — the real values.

:func:`mask_if_external` wraps a model in a :class:`MaskingModel` only when its requests leave
the machine and ``settings.mask_pii`` is on (the default).

>>> m = Masker()
>>> m.add_known(["coffee_lover88"], "buyer")
>>> masked = m.mask_text("coffee_lover88 的手机 13812345678, 又是 coffee_lover88")
>>> masked
'[买家1] 的手机 [手机1], 又是 [买家1]'
>>> m.unmask_text(masked) == "coffee_lover88 的手机 13812345678, 又是 coffee_lover88"
True
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from shopkeeper.llm.base import (
    Message,
    Model,
    ModelResponse,
    ModelSettings,
    StreamEvent,
    TextDelta,
    ToolSpec,
)
from shopkeeper.llm.pii import KEY_KINDS, LABELS, PATTERNS, PLACEHOLDER, Kind
from shopkeeper.text import Lang

if TYPE_CHECKING:
    import duckdb

    from shopkeeper.settings import Settings

_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")

WAREHOUSE_COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("orders", "customer_id", "buyer"),
    ("customers", "customer_id", "buyer"),
    ("messages", "customer_id", "buyer"),
    ("orders", "receiver_name", "name"),
    ("orders", "receiver_phone", "phone"),
    ("orders", "receiver_address", "address"),
)
"""Warehouse columns whose values :meth:`Masker.from_warehouse` learns as known values."""


class Masker:
    """Replaces personal data with stable placeholders, and puts it back."""

    def __init__(self, lang: Lang = "zh") -> None:
        self.labels = LABELS[lang]
        self._forward: dict[tuple[Kind, str], str] = {}
        self._reverse: dict[str, str] = {}
        self._counts: Counter[Kind] = Counter()
        self._known: dict[str, Kind] = {}
        self._lengths: list[int] = []
        self._first: set[str] = set()

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection, lang: Lang = "zh") -> Masker:
        """A masker that knows the store's buyers: ids/nicks, receiver names, phones, addresses."""
        import duckdb

        masker = cls(lang)
        for table, column, kind in WAREHOUSE_COLUMNS:
            try:
                rows = con.execute(
                    f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
                ).fetchall()
            except duckdb.CatalogException:  # an older warehouse without the table or column
                continue
            masker.add_known((str(r[0]) for r in rows), kind)
        return masker

    def add_known(self, values: Iterable[str], kind: Kind = "buyer") -> None:
        """Mask these exact values wherever they appear (values under 2 characters are ignored)."""
        for value in values:
            value = value.strip()
            if len(value) >= 2 and not PLACEHOLDER.fullmatch(value):
                self._known.setdefault(value, kind)
                self._first.add(value[0])
        self._lengths = sorted({len(v) for v in self._known}, reverse=True)

    def placeholder(self, kind: Kind, value: str) -> str:
        """The placeholder of ``value`` (the same one every time it is asked)."""
        key = (kind, re.sub(r"[\s-]", "", value) if kind in ("phone", "tel") else value)
        if key not in self._forward:
            self._counts[kind] += 1
            token = f"[{self.labels[kind]}{self._counts[kind]}]"
            self._forward[key] = token
            self._reverse[token] = value
        return self._forward[key]

    # -- text ----------------------------------------------------------------------------------

    def mask_text(self, text: str) -> str:
        """``text`` with every piece of personal data replaced by its placeholder."""
        for kind, pattern in PATTERNS:
            text = _outside_placeholders(
                text, functools.partial(self._sub, kind=kind, pattern=pattern)
            )
        if self._known:
            text = _outside_placeholders(text, self._mask_known)
        return text

    def _sub(self, text: str, kind: Kind, pattern: re.Pattern[str]) -> str:
        def repl(m: re.Match[str]) -> str:
            if "mask" in pattern.groupindex:
                return m["keep"] + self.placeholder(kind, m["mask"])
            return self.placeholder(kind, m[0])

        return pattern.sub(repl, text)

    def _mask_known(self, text: str) -> str:
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if text[i] in self._first:
                for length in self._lengths:
                    value = text[i : i + length]
                    kind = self._known.get(value)
                    if kind is not None and _bounded(text, i, i + length):
                        out.append(self.placeholder(kind, value))
                        i += length
                        break
                else:
                    out.append(text[i])
                    i += 1
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def unmask_text(self, text: str) -> str:
        """``text`` with the placeholders this masker wrote replaced by the real values."""
        return PLACEHOLDER.sub(lambda m: self._reverse.get(m[0], m[0]), text)

    # -- JSON ----------------------------------------------------------------------------------

    def mask_json(self, value: Any, key: str | None = None) -> Any:
        """A JSON value masked: strings by pattern, and whole values under personal keys."""
        if isinstance(value, dict):
            return {k: self.mask_json(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask_json(v, key) for v in value]
        kind = KEY_KINDS.get((key or "").lower())
        if kind is not None and isinstance(value, str | int) and not isinstance(value, bool):
            return self._mask_whole(kind, str(value))
        return self.mask_text(value) if isinstance(value, str) else value

    def _mask_whole(self, kind: Kind, value: str) -> str:
        if not value.strip() or PLACEHOLDER.fullmatch(value):
            return value
        masked = self.mask_text(value)
        if kind == "address" and masked != value:
            return masked  # the province and city stay readable
        return self.placeholder(kind, value)

    def unmask_json(self, value: Any) -> Any:
        """A JSON value with every placeholder in its strings restored."""
        if isinstance(value, dict):
            return {k: self.unmask_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.unmask_json(v) for v in value]
        return self.unmask_text(value) if isinstance(value, str) else value

    def mask_content(self, content: str) -> str:
        """A message or tool result: masked as JSON when it is JSON, else as text."""
        if content.lstrip()[:1] in ("{", "["):
            try:
                data = json.loads(content)
            except json.JSONDecodeError:
                return self.mask_text(content)
            return json.dumps(self.mask_json(data), ensure_ascii=False)
        return self.mask_text(content)

    # -- messages ------------------------------------------------------------------------------

    def mask_messages(self, messages: Sequence[Message]) -> list[Message]:
        """Copies of ``messages`` with contents and tool-call arguments masked."""
        return [
            m.model_copy(
                update={
                    "content": self.mask_content(m.content),
                    "tool_calls": [
                        c.model_copy(update={"arguments": self.mask_json(c.arguments)})
                        for c in m.tool_calls
                    ],
                }
            )
            for m in messages
        ]

    def unmask_response(self, response: ModelResponse) -> ModelResponse:
        """The model's answer with the real values back (text and tool-call arguments)."""
        return response.model_copy(
            update={
                "text": self.unmask_text(response.text),
                "tool_calls": [
                    c.model_copy(update={"arguments": self.unmask_json(c.arguments)})
                    for c in response.tool_calls
                ],
            }
        )


def _outside_placeholders(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the parts of ``text`` that are not placeholders already."""
    parts = PLACEHOLDER.split(text)
    tokens = PLACEHOLDER.findall(text)
    out = [fn(parts[0])]
    for token, part in zip(tokens, parts[1:], strict=True):
        out += [token, fn(part)]
    return "".join(out)


def _bounded(text: str, start: int, end: int) -> bool:
    """A known value at ``text[start:end]`` is not the middle of a longer ASCII word."""
    before = start > 0 and _ASCII_WORD.match(text[start - 1]) and _ASCII_WORD.match(text[start])
    after = end < len(text) and _ASCII_WORD.match(text[end]) and _ASCII_WORD.match(text[end - 1])
    return not before and not after


class MaskingModel:
    """Wraps a model: requests go out masked, answers come back unmasked."""

    def __init__(self, inner: Model, masker: Masker) -> None:
        self.inner = inner
        self.masker = masker

    @property
    def name(self) -> str:
        """The wrapped model's name."""
        return self.inner.name

    @property
    def external(self) -> bool:
        """The wrapped model's."""
        return self.inner.external

    def request(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> ModelResponse:
        """Mask, ask, unmask."""
        response = self.inner.request(self.masker.mask_messages(messages), tools, settings)
        return self.masker.unmask_response(response)

    def stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolSpec] = (),
        settings: ModelSettings | None = None,
    ) -> Iterator[StreamEvent]:
        """Mask, stream, unmask; a placeholder split across deltas is held until it is whole."""
        held = ""
        for event in self.inner.stream(self.masker.mask_messages(messages), tools, settings):
            if isinstance(event, TextDelta):
                held += event.text
                cut = _safe_cut(held)
                if cut:
                    yield TextDelta(text=self.masker.unmask_text(held[:cut]))
                    held = held[cut:]
                continue
            if held:
                yield TextDelta(text=self.masker.unmask_text(held))
                held = ""
            yield self.masker.unmask_response(event)


def _safe_cut(text: str, longest: int = 16) -> int:
    """How much of ``text`` can be released without cutting a placeholder in two.

    >>> _safe_cut("你好 [买家"), _safe_cut("你好 [买家1] 好"), _safe_cut("a [" + "x" * 20)
    (3, 10, 23)
    """
    start = text.rfind("[")
    if start == -1 or "]" in text[start:] or len(text) - start > longest:
        return len(text)
    return start


def redact(value: Any) -> Any:
    """Text or a JSON value with personal data masked for good: what is stored or shown outside
    the order itself (conversation logs, the audit trail, approval lists). A fresh masker each
    time, so the placeholders cannot be turned back into the values.

    >>> redact({"address": {"phone": "13812345678", "line1": "文三路90号"}, "sku_id": "A1"})
    {'address': {'phone': '[手机1]', 'line1': '[地址1]'}, 'sku_id': 'A1'}
    >>> redact("电话 139 1234 5678")
    '电话 [手机1]'
    """
    return Masker().mask_json(value)


def mask_if_external(model: Model, masker: Masker, settings: Settings) -> Model:
    """``model`` wrapped in a :class:`MaskingModel` when its requests leave this machine and
    ``settings.mask_pii`` is on; otherwise ``model`` itself.
    """
    if model.external and settings.mask_pii:
        return MaskingModel(model, masker)
    return model

"""Customer service over a WebSocket: ``WS /v1/stores/{store}/cs/ws?conversation_id=…``.

Authenticate with ``?token=`` / ``?key=`` (a cs/owner token or the widget key; with a widget key
also ``customer_id`` and, when the store signs its buyers, ``signature``), or with a first frame
``{"type": "auth", "token": …, "customer_id": …, "signature": …}``. Then each frame in is a
:class:`~shopkeeper.cs.messages.CsMessage` (``conversation_id`` and ``customer_id`` may be left
out: the socket's are used); each answer comes back as ``{"type": "delta", "text": …}`` chunks and
then ``{"type": "reply", …CsReply}``. A human agent's reply is pushed as ``{"type": "reply",
"from": "human", …}``, a release as ``{"type": "state", …}``; a bad frame gets ``{"type":
"error", "error": …, "detail": …}`` and the socket stays open. Failed authentication closes it
with code 4401 (no or bad token) or 4403 (another store or role).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, HTTPException, Query, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from shopkeeper.api.cs import answer, not_found, owners
from shopkeeper.api.cs_auth import BuyerId, CsCaller, check_customer, resolve
from shopkeeper.api.cs_backend import BackendDep, CsBackend
from shopkeeper.api.cs_hub import Frame, get_hub
from shopkeeper.api.deps import Services
from shopkeeper.api.errors import status_of
from shopkeeper.cs.messages import CsMessage
from shopkeeper.errors import ShopkeeperError

router = APIRouter(prefix="/v1/stores/{store}/cs", tags=["cs"])

_PIECE = re.compile(r"[^，。！？；,.!?;\n]*[，。！？；,.!?;\n]?")


def chunks(text: str, size: int = 24) -> list[str]:
    """The reply text in streaming pieces, cut after punctuation where possible.

    >>> chunks("您好！订单已发货，预计明天送达。")
    ['您好！', '订单已发货，', '预计明天送达。']
    >>> "".join(chunks("x" * 50)) == "x" * 50
    True
    """
    out: list[str] = []
    for piece in filter(None, _PIECE.findall(text)):
        out.extend(piece[i : i + size] for i in range(0, len(piece), size))
    return out or [text]


class _Socket:
    """One connection: its caller, conversation, bound buyer, and serialized sends."""

    def __init__(self, ws: WebSocket, store: str, conversation_id: str) -> None:
        self.ws, self.store, self.conversation_id = ws, store, conversation_id
        self.customer_id: str | None = None  # as the page sent it
        self.buyer: BuyerId | None = None  # a widget socket's buyer, as the engine knows them
        self._send = asyncio.Lock()

    async def send(self, frame: Frame) -> None:
        async with self._send:
            await self.ws.send_json(frame)

    async def error(self, code: int, error: str, detail: object) -> None:
        await self.send({"type": "error", "status": code, "error": error, "detail": detail})

    def message(self, caller: CsCaller, frame: dict[str, Any]) -> tuple[CsMessage, BuyerId]:
        frame = {k: v for k, v in frame.items() if k != "type"}
        frame.setdefault("conversation_id", self.conversation_id)
        if self.customer_id:
            frame.setdefault("customer_id", self.customer_id)
        message = CsMessage.model_validate(frame)
        if message.conversation_id != self.conversation_id:
            raise HTTPException(422, "this socket follows another conversation_id")
        if caller.is_widget and message.customer_id != self.customer_id:
            raise HTTPException(403, "a widget socket speaks for the buyer it was opened for")
        return message, self.buyer or BuyerId(message.customer_id, verified=True)


async def _authenticate(
    sock: _Socket,
    services: Services,
    backend: CsBackend,
    token: str | None,
    customer_id: str | None,
    signature: str | None,
) -> CsCaller:
    if token is None:  # the first frame authenticates
        first = json.loads(await sock.ws.receive_text())
        if not isinstance(first, dict) or first.get("type") != "auth":
            raise HTTPException(401, 'send {"type": "auth", "token": …} first')
        token = first.get("token") or first.get("key")
        customer_id = first.get("customer_id", customer_id)
        signature = first.get("signature", signature)
    caller = await anyio.to_thread.run_sync(resolve, services.engine, sock.store, token)
    if caller.is_widget:
        if not customer_id:
            raise HTTPException(401, "a widget socket needs the buyer's customer_id")
        sock.buyer = check_customer(services.settings, sock.store, caller, customer_id, signature)
        owner = await anyio.to_thread.run_sync(owners.of, backend, sock.store, sock.conversation_id)
        if owner is not None and owner != sock.buyer.customer_id:
            raise not_found(sock.conversation_id)
    sock.customer_id = customer_id
    return caller


async def _pushes(sock: _Socket, queue: asyncio.Queue[Frame]) -> None:
    while True:
        await sock.send(await queue.get())


async def _converse(
    sock: _Socket, caller: CsCaller, services: Services, backend: CsBackend
) -> None:
    while True:
        raw = await sock.ws.receive_text()
        try:
            frame = json.loads(raw)
            if not isinstance(frame, dict):
                raise ValueError("a frame is a JSON object")
            if frame.get("type") == "ping":
                await sock.send({"type": "pong"})
                continue
            message, buyer = sock.message(caller, frame)
            reply = await anyio.to_thread.run_sync(
                answer, backend, services, sock.store, caller, message, buyer
            )
        except ValidationError as exc:
            await sock.error(
                422, "ValidationError", exc.errors(include_url=False, include_context=False)
            )
            continue
        except ValueError as exc:  # JSON that is not an object or not JSON
            await sock.error(422, "ValidationError", str(exc))
            continue
        except HTTPException as exc:
            await sock.error(exc.status_code, "HTTPError", exc.detail)
            continue
        except ShopkeeperError as exc:
            await sock.error(status_of(exc), type(exc).__name__, str(exc))
            continue
        for piece in chunks(reply.reply):
            await sock.send({"type": "delta", "message_id": reply.message_id, "text": piece})
        await sock.send({"type": "reply", **reply.model_dump(mode="json")})


@router.websocket("/ws")
async def cs_socket(
    websocket: WebSocket,
    store: str,
    conversation_id: Annotated[str, Query(min_length=1, max_length=128)],
    backend: BackendDep,
    token: str | None = None,
    key: str | None = None,
    customer_id: str | None = None,
    signature: str | None = None,
) -> None:
    """A buyer's chat (or an agent watching it): messages in, streamed replies and pushes out."""
    services: Services = websocket.app.state.services
    sock = _Socket(websocket, store, conversation_id)
    await websocket.accept()
    try:
        caller = await _authenticate(sock, services, backend, token or key, customer_id, signature)
    except (HTTPException, ValueError) as exc:
        code = exc.status_code if isinstance(exc, HTTPException) else 401
        detail = exc.detail if isinstance(exc, HTTPException) else str(exc)
        await sock.error(code, "Unauthorized" if code == 401 else "Forbidden", detail)
        await websocket.close(code=4000 + code if code in (401, 403) else 4404)
        return
    except WebSocketDisconnect:
        return
    hub = get_hub(websocket)
    queue = hub.subscribe(store, conversation_id)
    pusher = asyncio.create_task(_pushes(sock, queue))
    try:
        await sock.send({"type": "ready", "conversation_id": conversation_id})
        await _converse(sock, caller, services, backend)
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(store, conversation_id, queue)
        pusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pusher

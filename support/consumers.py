"""The live chat's WebSocket (issue 16): one socket per chat and side, `/ws/support/chat/<number>/`.

PROTOCOL (the chat widget, static/js/, and the desk's chat pages speak it; keep both sides in step):

HTTP (JSON; session auth and CSRF as usual; visitors are anonymous and hold the signed cookie `support_chat`):
- `GET /support/chat/` (support:chat_state) → `{"available": bool, "reason": "" | "out_of_hours" | "no_agent",
  "chat": null | {"number", "status", "ws_url", "messages": [frame, ...]}, "ticket_url": str | null}`.
  available = within the desk's business hours (the SLA calendar, Europe/Istanbul) and at least one agent on duty
  seen within SUPPORT_CHAT_PRESENCE_SECONDS; chat = the caller's chat that has not ended (a dealer user's by user,
  a visitor's by the cookie); ticket_url = the page to open a ticket instead (dealer users), else null.
- `POST /support/chat/start/` (support:chat_start) `body` (+ `name`, `email` for visitors) → 201 `{"number",
  "ws_url", "messages"}`; 409 `{"error", "reason", "ticket_url"}` out of hours or with no agent; 400 `{"error",
  "field"}` for bad input; 403 `{"error"}` for a sales agent acting for a dealer or staff; 429 `{"error"}` after
  SUPPORT_CHAT_STARTS_PER_10_MIN starts from one session or address within 10 minutes.
- Fallback when the socket fails: `GET /support/chat/<number>/messages/?after=<id>` → `{"status", "agent",
  "messages": [frame, ...]}` and `POST /support/chat/<number>/send/` (`body`, `client_id`) → 201 (200 for a
  client_id taken before) `{"message": frame}`; the same permissions as the socket (404 for a chat not the
  caller's).

WebSocket: the chat's dealer user, its visitor (cookie) or any support agent. Someone who may not chat at all
(signed out without a chat cookie, a sales agent, staff who are not support agents) is closed with code 4403; a
chat that does not exist or is not the caller's with 4404 (another dealer's chat looks exactly like a missing one).
Frames are JSON objects.
- client → server: `{"type": "message", "body": str, "client_id": str}` (client_id unique per message in the
  browser, [A-Za-z0-9_.:-]{1,100}: a resend after a reconnect is stored once and answered with the stored frame);
  `{"type": "typing"}`; `{"type": "resume", "after": int}` (the server sends every message with id > after, in
  order; live frames may overlap it: the client drops ids it has); `{"type": "ping"}` every 30 s (answered with
  `{"type": "pong"}`; an agent's ping, like an agent's connect, keeps the agent present for chat routing).
- server → client: `{"type": "message", "id": int, "body": str, "from_staff": bool, "author": str, "at": iso8601,
  "client_id": str | ""}`; `{"type": "typing", "from_staff": bool, "name": str}`; `{"type": "status", "status":
  "waiting" | "active" | "ended", "agent": str}` (sent on connect and on every change); `{"type": "error", "error":
  str}`. An internal note is never sent.

Who writes what: an agent's message is `desk.staff_reply` (the first response clock), pushed to the dealer's side
by the chat adapter (support/channels/chat.py); a dealer's is `tickets.reply(via="chat")`; a visitor's is written
by support.services.chat. The sender gets its own message echoed from the database on its socket; the other side
gets it through the channel layer (Redis) right after commit. With the channel layer down nothing is lost: the
message is saved and echoed, and the other side reads it on "resume" or through the HTTP fallback. No exception
leaves this consumer: a bad frame or a refused message is an error frame.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.utils import translation
from django.utils.translation import gettext as _

from portal.errors import DomainError

log = logging.getLogger(__name__)

FORBIDDEN = 4403
NOT_FOUND = 4404
MAX_FRAME = 16 * 1024
TYPING_EVERY = 1.0  # seconds: at most one typing frame per socket in this time


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        # Channels' own __call__, except that reading the channel layer never raises: a dead Redis must not close
        # the socket (the chat works on without live frames from the other side, which "resume" fetches later).
        self.scope = scope
        self.session_pk = None
        self.group = None
        self.in_group = False
        self.last_typing = 0.0
        try:
            self.channel_layer = get_channel_layer(self.channel_layer_alias)
            self.channel_name = await self.channel_layer.new_channel() if self.channel_layer is not None else ""
        except Exception as exc:  # noqa: BLE001
            log.warning("live chat: no channel layer: %s", exc)
            self.channel_layer, self.channel_name = None, ""
        self.base_send = send
        sources = [receive] + ([self._channel_receive] if self.channel_layer is not None else [])
        try:
            await await_many_dispatch(sources, self.dispatch)
        except StopConsumer:
            pass

    async def _channel_receive(self):
        pause = 0.5
        while True:
            try:
                if self.group and not self.in_group:
                    await self.channel_layer.group_add(self.group, self.channel_name)
                    self.in_group = True
                return await self.channel_layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001
                log.warning("live chat: channel layer unavailable: %s", exc)
                self.in_group = False
                await asyncio.sleep(pause)
                pause = min(pause * 2, 10.0)

    # --- connecting ------------------------------------------------------------------------------------------------

    async def connect(self):
        number = str(self.scope.get("url_route", {}).get("kwargs", {}).get("number", ""))[:40]
        try:
            code, state = await database_sync_to_async(self._join)(number)
        except Exception:  # noqa: BLE001
            log.exception("live chat: joining %s failed", number)
            code, state = 1011, None
        await self.accept()
        if code:
            await self.close(code=code)
            return
        self.session_pk, self.language, self.from_staff, self.name, status = state
        self.group = f"support.chat.{self.session_pk}"
        if self.channel_layer is not None:
            try:
                await self.channel_layer.group_add(self.group, self.channel_name)
                self.in_group = True
            except Exception as exc:  # noqa: BLE001
                log.warning("live chat: channel layer unavailable: %s", exc)
        await self.send_json(status)

    def _join(self, number):
        from . import permissions
        from .models import ChatSession
        from .services import chat

        user = self.scope.get("user")
        signed_in = bool(getattr(user, "is_authenticated", False) and user.is_active)
        visitor_key = "" if signed_in else chat.read_visitor_cookie(self.scope.get("cookies", {}))
        agent = signed_in and permissions.is_support_agent(user)
        if not (agent or (signed_in and user.dealer_id is not None) or visitor_key):
            return FORBIDDEN, None
        session = (ChatSession.objects.select_related("ticket", "agent").filter(ticket__number=number).first()
                   if number else None)
        if session is None or not permissions.may_join_chat(user if signed_in else None, session,
                                                            visitor_key=visitor_key):
            return NOT_FOUND, None
        self.user = user if signed_in else None
        self.visitor_key = visitor_key
        language = (getattr(user, "language", "") if signed_in else "") or session.language or "en"
        if agent:
            chat.heartbeat(user=user)
            name = user.first_name or user.get_full_name() or ""
        elif signed_in:
            name = user.first_name or user.get_full_name() or ""
        else:
            name = session.ticket.visitor_name
        return 0, (session.pk, language, agent, name, chat.status_frame(session))

    def _heartbeat(self):
        from .services import chat

        chat.heartbeat(user=self.user)

    async def disconnect(self, code):
        if self.group and self.in_group and self.channel_layer is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception as exc:  # noqa: BLE001
                log.warning("live chat: channel layer unavailable: %s", exc)

    # --- frames from the browser ---------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.session_pk is None:
            return
        try:
            if text_data is None or len(text_data) > MAX_FRAME:
                raise ValueError
            content = json.loads(text_data)
            if not isinstance(content, dict):
                raise ValueError
        except ValueError:
            await self._error(None)
            return
        try:
            await self.receive_json(content)
        except Exception:  # noqa: BLE001 - never let a frame close the socket with a 1011
            log.exception("live chat: frame failed")
            await self._error(None)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        if kind == "message":
            await self._message(content)
        elif kind == "typing":
            await self._typing()
        elif kind == "resume":
            frames = await database_sync_to_async(self._since)(content.get("after"))
            for frame in frames:
                await self.send_json(frame)
        elif kind == "ping":
            if self.from_staff:  # an agent on a chat's page is still at the desk
                await database_sync_to_async(self._heartbeat)()
            await self.send_json({"type": "pong"})
        else:
            await self._error(None)

    async def _message(self, content):
        body, client_id = content.get("body"), content.get("client_id", "")
        if not isinstance(body, str) or not isinstance(client_id, (str, int)):
            await self._error(None)
            return
        frame, error = await database_sync_to_async(self._post)(body, str(client_id))
        if error:
            await self._error(error)
        else:
            await self.send_json(frame)

    def _post(self, body, client_id):
        from .models import ChatSession
        from .services import chat

        with translation.override(self.language):
            session = ChatSession.objects.select_related("ticket").filter(pk=self.session_pk).first()
            try:
                posted = chat.post_message(session=session, user=self.user, body=body, client_id=client_id,
                                           visitor_key=self.visitor_key, origin=self.channel_name)
            except DomainError as exc:
                return None, str(exc.message)
            return chat.frame_of(posted.message), ""

    def _since(self, after):
        from .models import ChatSession
        from .services import chat

        session = ChatSession.objects.select_related("ticket").filter(pk=self.session_pk).first()
        if session is None:
            return []
        return [chat.frame_of(m) for m in chat.public_messages(session.ticket, after=after)[:500]]

    async def _typing(self):
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY or self.channel_layer is None:
            return
        self.last_typing = now
        try:
            await self.channel_layer.group_send(self.group, {
                "type": "chat.frame", "origin": self.channel_name,
                "frame": {"type": "typing", "from_staff": self.from_staff, "name": self.name[:60]}})
        except Exception as exc:  # noqa: BLE001
            log.warning("live chat: channel layer unavailable: %s", exc)

    async def _error(self, message):
        if message is None:
            with translation.override(getattr(self, "language", None) or "en"):
                message = _("This message could not be read. Please try again.")
        await self.send_json({"type": "error", "error": str(message)})

    # --- frames from the channel layer --------------------------------------------------------------------------

    async def dispatch(self, message):
        # The other side's frame needs no database: Channels' dispatch would first close old connections in the
        # worker's one database thread, so the frame waited behind every other chat's writes in this process
        # (bench/bench_chat.py: deliveries came all at once, when the burst's last message was written).
        if message.get("type") == "chat.frame":
            await self.chat_frame(message)
            return
        await super().dispatch(message)

    async def chat_frame(self, event):
        frame = event.get("frame") or {}
        if event.get("origin") and event.get("origin") == self.channel_name:
            return  # this socket's own message or typing: echoed already
        if frame.get("type") == "typing" and frame.get("from_staff") == self.from_staff:
            return  # one's own side typing (another tab) is not news
        await self.send_json(frame)

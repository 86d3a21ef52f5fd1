"""The live chat's WebSocket (issue 16, support/consumers.py): a dealer and an agent talk through the real Redis
channel layer, typing, resuming after a reconnect, a resend taken once, who is refused (4403/4404), internal notes
never on the socket, and a dead channel layer losing nothing; once through Channels' test communicator and once
through the real ASGI server (uvicorn) with the `websockets` client."""
import asyncio
import concurrent.futures
import json
import urllib.request

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client, override_settings

from portal.testing import actor_of, database_sessions, end_database_sessions
from support.models import ChatSession, Message
from support.services import chat, desk
from support.testing import open_for_chat, support_agent_user

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 10  # seconds: an upper bound for a frame that must come, never a measured time


def async_to_sync(scenario):
    """Run an async scenario to its end on an event loop of its own thread: a browser test earlier in the session
    (Playwright's sync API) may leave this thread marked as running a loop, where asgiref refuses to start one."""
    def run(*args, **kwargs):
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, scenario(*args, **kwargs)).result()
    return run


@pytest.fixture(autouse=True)
def _no_sessions_left(transactional_db):
    """The consumer's database calls run in asgiref's threads, whose connections outlive the test: end them."""
    before = database_sessions()
    yield
    end_database_sessions(database_sessions() - before)


@pytest.fixture
def support_agent(db):
    agent = support_agent_user(first_name="Deniz")
    open_for_chat(agent)
    return agent


@pytest.fixture
def session(owner, support_agent):
    return chat.start_chat(actor=actor_of(owner), body="Where is my order?", language="en")


class WebsocketCommunicator(ApplicationCommunicator):
    """Channels' WebsocketCommunicator, whose package (channels.testing) cannot be imported without daphne, which
    the portal does not install (uvicorn serves it)."""

    def __init__(self, application, path, headers):
        super().__init__(application, {"type": "websocket", "path": path, "query_string": b"", "headers": headers,
                                       "subprotocols": []})

    async def connect(self, timeout=1):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        return response["type"] == "websocket.accept", response

    async def send_to(self, text_data):
        await self.send_input({"type": "websocket.receive", "text": text_data})

    async def send_json_to(self, data):
        await self.send_to(json.dumps(data))

    async def receive_json_from(self, timeout=1):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code=1000, timeout=WAIT):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _socket(number, cookie=""):
    from portal.asgi import application

    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/support/chat/{number}/", headers=headers)


async def _open(number, cookie):
    socket = _socket(number, cookie)
    connected, _ = await socket.connect(timeout=WAIT)
    assert connected
    status = await socket.receive_json_from(timeout=WAIT)
    assert status["type"] == "status"
    return socket, status


async def _next(socket, kind="message"):
    """The next frame of `kind` (other kinds, such as status changes, are passed over)."""
    while True:
        frame = await socket.receive_json_from(timeout=WAIT)
        if frame["type"] == kind:
            return frame


def test_a_dealer_and_an_agent_talk_and_type_and_a_note_stays_on_the_desk(owner, support_agent, session):
    number = session.ticket.number

    async def scenario():
        dealer, status = await _open(number, _cookie(owner))
        assert status == {"type": "status", "status": "waiting", "agent": ""}
        agent, _status = await _open(number, _cookie(support_agent))
        await dealer.send_json_to({"type": "typing"})
        assert await _next(agent, "typing") == {"type": "typing", "from_staff": False, "name": owner.first_name}
        await dealer.send_json_to({"type": "message", "body": "Hello?", "client_id": "d1"})
        echo = await _next(dealer)
        assert (echo["body"], echo["client_id"], echo["from_staff"]) == ("Hello?", "d1", False)
        heard = await _next(agent)
        assert heard["id"] == echo["id"] and heard["author"] == owner.first_name
        await database_sync_to_async(desk.add_note)(actor=support_agent, ticket=session.ticket,
                                                    body="Internal: credit on hold")
        await agent.send_json_to({"type": "message", "body": "Checking now.", "client_id": "a1"})
        assert (await _next(agent))["body"] == "Checking now."
        reply = await _next(dealer)  # the next message the dealer sees is the reply: never the note
        assert (reply["body"], reply["from_staff"], reply["author"]) == ("Checking now.", True, "Deniz")
        assert (await _next(dealer, "status"))["status"] == "active"
        await dealer.disconnect()
        await agent.disconnect()

    async_to_sync(scenario)()
    assert ChatSession.objects.get(pk=session.pk).agent == support_agent


def test_resume_after_a_reconnect_loses_nothing_and_a_resend_is_stored_once(owner, support_agent, session):
    number = session.ticket.number
    first_id = session.ticket.messages.get().pk

    async def scenario():
        dealer, _ = await _open(number, _cookie(owner))
        await dealer.send_json_to({"type": "message", "body": "One", "client_id": "r1"})
        await _next(dealer)
        await dealer.disconnect()
        # While the dealer is away the agent answers twice.
        for n in (1, 2):
            await database_sync_to_async(chat.post_message)(session=session, user=support_agent,
                                                            body=f"Answer {n}", client_id=f"ans{n}")
        dealer, _ = await _open(number, _cookie(owner))
        await dealer.send_json_to({"type": "resume", "after": first_id})
        bodies = [(await _next(dealer))["body"] for _ in range(3)]
        # The browser did not see the echo of "One" and sends it again after the reconnect: taken once.
        await dealer.send_json_to({"type": "message", "body": "One", "client_id": "r1"})
        again = await _next(dealer)
        await dealer.disconnect()
        return bodies, again

    bodies, again = async_to_sync(scenario)()
    assert bodies == ["One", "Answer 1", "Answer 2"]
    assert Message.objects.filter(ticket=session.ticket, external_id="chat:r1").count() == 1
    assert again["id"] == Message.objects.get(external_id="chat:r1").pk


def test_who_is_refused(owner, other_owner, support_agent, session):
    number = session.ticket.number

    async def close_code(path_number, cookie=""):
        socket = _socket(path_number, cookie)
        connected, _ = await socket.connect(timeout=WAIT)
        assert connected
        closed = await socket.receive_output(timeout=WAIT)
        await socket.wait()
        return closed

    async def scenario():
        return [await close_code(number, _cookie(other_owner)),
                await close_code("TCK-0000-000000", _cookie(other_owner)),
                await close_code(number, ""),
                await close_code(number, "support_chat=forged")]

    foreign, missing, anonymous, forged = async_to_sync(scenario)()
    assert foreign == missing == {"type": "websocket.close", "code": 4404}
    assert anonymous == forged == {"type": "websocket.close", "code": 4403}


def test_a_bad_frame_is_an_error_frame_and_the_socket_stays(owner, session):
    async def scenario():
        dealer, _ = await _open(session.ticket.number, _cookie(owner))
        await dealer.send_to(text_data="not json")
        assert (await _next(dealer, "error"))["error"]
        await dealer.send_json_to({"type": "message", "body": "", "client_id": "e1"})
        assert (await _next(dealer, "error"))["error"] == "Write your message first."
        await dealer.send_json_to({"type": "message", "body": "Still here", "client_id": "e2"})
        assert (await _next(dealer))["body"] == "Still here"
        await dealer.disconnect()

    async_to_sync(scenario)()


def test_with_the_channel_layer_down_a_message_is_saved_and_echoed(owner, session):
    dead = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"], "prefix": "portal:ws-dead"}}}

    async def scenario():
        dealer, _ = await _open(session.ticket.number, _cookie(owner))
        await dealer.send_json_to({"type": "message", "body": "Anyone?", "client_id": "down1"})
        echo = await _next(dealer)
        await dealer.send_json_to({"type": "typing"})
        await dealer.send_json_to({"type": "resume", "after": 0})
        history = [(await _next(dealer))["body"] for _ in range(2)]
        await dealer.disconnect()
        return echo, history

    with override_settings(CHANNEL_LAYERS=dead):
        echo, history = async_to_sync(scenario)()
        # An agent's reply from the desk page is saved too (the push to the chat is logged, not raised).
        agent = support_agent_user()
        reply = desk.staff_reply(actor=agent, ticket=session.ticket, body="Yes, here")
    assert echo["body"] == "Anyone?" and Message.objects.filter(external_id="chat:down1").exists()
    assert history == ["Where is my order?", "Anyone?"]
    assert reply.via == "chat" and Message.objects.filter(pk=reply.pk).exists()


# --- through the real ASGI server ----------------------------------------------------------------------------------

def test_through_the_asgi_server_pages_static_files_and_the_chat(asgi_server, owner, support_agent, session):
    import websockets

    with urllib.request.urlopen(f"{asgi_server}/healthz/") as response:
        assert response.status in (200, 503)
    with urllib.request.urlopen(f"{asgi_server}/static/js/htmx.min.js") as response:
        assert response.status == 200 and b"htmx" in response.read()[:2000]
    ws_base = asgi_server.replace("http://", "ws://")
    number = session.ticket.number

    async def connect(cookie):
        return await websockets.connect(f"{ws_base}/ws/support/chat/{number}/",
                                        additional_headers={"Cookie": cookie, "Origin": asgi_server})

    async def frame(ws, kind="message"):
        while True:
            data = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            if data["type"] == kind:
                return data

    async def scenario():
        dealer = await connect(_cookie(owner))
        agent = await connect(_cookie(support_agent))
        await frame(dealer, "status")
        await frame(agent, "status")
        await agent.send(json.dumps({"type": "message", "body": "Hello, Deniz here.", "client_id": "u1"}))
        assert (await frame(agent))["client_id"] == "u1"  # its own echo
        heard = await frame(dealer)
        await dealer.send(json.dumps({"type": "message", "body": "Thanks!", "client_id": "u2"}))
        answer = await frame(agent)
        await dealer.close()
        await agent.close()
        stranger = await websockets.connect(f"{ws_base}/ws/support/chat/{number}/",
                                            additional_headers={"Origin": asgi_server})
        try:
            await asyncio.wait_for(stranger.recv(), WAIT)
        except websockets.ConnectionClosed as closed:
            code = closed.rcvd.code
        return heard, answer, code

    heard, answer, code = async_to_sync(scenario)()
    assert (heard["body"], heard["from_staff"]) == ("Hello, Deniz here.", True)
    assert (answer["body"], answer["from_staff"]) == ("Thanks!", False)
    assert code == 4403


def test_an_agent_on_a_chat_page_stays_present_by_its_pings_and_a_dealer_ping_changes_nothing(
        owner, support_agent, session):
    """The desk's chat panel pings every 30 s: an agent who only sits on a chat's page still counts as on duty
    (chat routing asks for a recent `last_seen_at`); a dealer's ping is answered and touches no presence."""
    from datetime import timedelta

    from django.utils import timezone

    from support.models import AgentPresence

    long_ago = timezone.now() - timedelta(hours=1)
    AgentPresence.objects.filter(user=support_agent).update(last_seen_at=long_ago)

    async def scenario():
        agent, _ = await _open(session.ticket.number, _cookie(support_agent))
        await database_sync_to_async(AgentPresence.objects.filter(user=support_agent).update)(last_seen_at=long_ago)
        dealer, _ = await _open(session.ticket.number, _cookie(owner))
        await dealer.send_json_to({"type": "ping"})
        assert (await _next(dealer, "pong")) == {"type": "pong"}
        seen = await database_sync_to_async(lambda: AgentPresence.objects.get(user=support_agent).last_seen_at)()
        assert seen == long_ago
        await agent.send_json_to({"type": "ping"})
        assert (await _next(agent, "pong")) == {"type": "pong"}
        await dealer.disconnect()
        await agent.disconnect()

    async_to_sync(scenario)()
    assert AgentPresence.objects.get(user=support_agent).last_seen_at > timezone.now() - timedelta(minutes=1)
    assert chat.availability() == chat.Availability(True, "")

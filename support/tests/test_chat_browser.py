"""Live chat in a real Chromium against the portal's ASGI server (issue 16): a dealer starts a chat from the "Chat
with us" widget, an agent on duty sees it on the desk's chats page without a reload, accepts it, and they write to
each other, each seeing the other's messages and typing live; the dealer's connection drops and comes back and
nothing is lost either way; the chat follows the dealer to the next page. Out of hours the widget offers a ticket
(a visitor: the address to write to), and at phone width the open widget never scrolls the page sideways."""
import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from dealers.models import Role
from dealers.testing import PASSWORD, DealerFactory, DealerUserFactory, UserFactory
from portal.testing import ARTIFACTS, log_in
from support.models import AgentPresence, ChatSession, ChatStatus, Holiday, Message, WorkingHours
from support.permissions import SUPPORT_AGENTS_GROUP
from support.services import chat as chat_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 15000  # ms: how long a live update may take to show (the desk's list is polled every 3 s)
PHONE = {"width": 390, "height": 844}

# The page's WebSockets, recorded so the test can drop them, and refused while `__blockChat` is set (a connect to
# a closed port fails at once, as with the network gone).
SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__chatSockets = [];
  window.__blockChat = false;
  function Recorded(url, protocols) {
    const socket = new Native(window.__blockChat ? "ws://127.0.0.1:9/refused" : url, protocols);
    window.__chatSockets.push(socket);
    return socket;
  }
  Recorded.prototype = Native.prototype;
  Object.assign(Recorded, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Recorded;
})();
"""


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"chat-{name}.png"), full_page=False)


def _open_all_day():
    """Support works around the clock today (whatever time the test runs): every weekday 00:00–23:59:59."""
    WorkingHours.objects.all().delete()
    Holiday.objects.all().delete()
    for weekday in range(7):
        WorkingHours.objects.create(weekday=weekday, opens=datetime.time(0, 0), closes=datetime.time(23, 59, 59))


def _agent():
    agent = UserFactory(is_staff=True, email="deniz@portal.example.com", first_name="Deniz", last_name="Destek")
    agent.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return agent


def _in_a_thread(call):
    """Run `call` in a thread of its own (Playwright's sync API keeps an event loop in the test's thread, where the
    channel layer's async_to_sync refuses to run) and return its result."""
    from django.db import connection

    outcome = {}

    def run():
        try:
            outcome["result"] = call()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return outcome["result"]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_a_dealer_and_an_agent_chat_live_and_a_dropped_connection_loses_nothing(asgi_server, browser):
    _open_all_day()
    dealer = DealerFactory(trade_name="Karaosmanoğlu Elektrik", tier="gold")
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="ayse@chat.example.com", first_name="Ayşe")
    agent = _agent()
    base = asgi_server

    # The agent goes on duty on the desk's chats page.
    desk = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900}).new_page()
    desk.context.set_default_timeout(LIVE)
    log_in(desk, base, agent.email, PASSWORD)
    desk.goto(f"{base}/support/desk/chats/")
    expect(desk.locator("#chats-waiting-title")).to_be_visible()
    with desk.expect_navigation():
        desk.click("#desk-duty-toggle")
    expect(desk.locator("#desk-chats-duty")).to_contain_text("You take chats now", timeout=LIVE)
    assert AgentPresence.objects.get(user=agent).on_duty

    # The dealer opens the widget and writes; Enter sends.
    shop = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    shop.context.set_default_timeout(LIVE)
    shop.add_init_script(SOCKETS)
    log_in(shop, base, owner.email, PASSWORD, dealer.code)
    launcher = shop.locator("#chat-launcher")
    expect(launcher).to_have_accessible_name("Chat with us")
    launcher.click()
    expect(shop.locator("#chat-panel")).to_be_visible()
    expect(shop.locator("#chat-message")).to_be_focused(timeout=LIVE)
    shop.locator("#chat-message").fill("Hello, order 1042 has not arrived yet.")
    shop.keyboard.press("Enter")
    expect(shop.locator("#chat-transcript")).to_contain_text("Hello, order 1042 has not arrived yet.", timeout=LIVE)
    expect(shop.locator("#chat-status")).to_contain_text("Waiting for an agent", timeout=LIVE)
    chat = ChatSession.objects.select_related("ticket").get()
    number = chat.ticket.number

    # The agent's list shows it without a reload: who, the tier, the first words.
    waiting = desk.locator(f'#chats-waiting tr[data-number="{number}"]')
    expect(waiting).to_contain_text("Karaosmanoğlu Elektrik", timeout=LIVE)
    expect(waiting).to_contain_text("Gold")
    expect(waiting).to_contain_text("Hello, order 1042")
    _shot(desk, "desk-waiting")
    with desk.expect_navigation():
        desk.click(f"#accept-{number}")
    assert desk.url == f"{base}/support/desk/{number}/"
    expect(desk.locator("#desk-chat-status")).to_contain_text("In conversation with Deniz")
    expect(desk.locator("#conversation")).to_contain_text("Hello, order 1042 has not arrived yet.")
    # The dealer hears that Deniz took it.
    expect(shop.locator("#chat-status")).to_contain_text("You are talking to Deniz", timeout=LIVE)

    # The agent types: the dealer sees it; the agent's message shows on the dealer's page without a reload.
    desk.locator("#desk-chat-message").press_sequentially("It left our warehouse", delay=40)
    expect(shop.locator("#chat-typing")).to_contain_text("Deniz is typing", timeout=LIVE)
    desk.locator("#desk-chat-message").press_sequentially(" this morning.", delay=20)
    desk.keyboard.press("Enter")
    expect(shop.locator("#chat-transcript")).to_contain_text("It left our warehouse this morning.", timeout=LIVE)
    expect(shop.locator("#chat-transcript .chat-message.is-staff").last).to_contain_text("Deniz")
    expect(desk.locator("#conversation .desk-message.is-pending")).to_have_count(0, timeout=LIVE)

    # The dealer types and answers: the agent sees both live.
    shop.locator("#chat-message").press_sequentially("Great, thank you", delay=40)
    expect(desk.locator("#desk-chat-typing")).to_contain_text("Ayşe is typing", timeout=LIVE)
    shop.locator("#chat-message").press_sequentially("!", delay=20)
    shop.keyboard.press("Enter")
    expect(desk.locator("#conversation")).to_contain_text("Great, thank you!", timeout=LIVE)
    _shot(shop, "dealer-active")
    _shot(desk, "desk-ticket")

    # The dealer's connection drops and stays down a while: meanwhile the agent writes, and so does the dealer
    # (kept in the outbox). When it is back, each side has everything, once.
    shop.evaluate("window.__blockChat = true; window.__chatSockets.forEach(s => s.close());")
    expect(shop.locator("#chat-connection")).to_be_visible(timeout=LIVE)
    desk.locator("#desk-chat-message").fill("Tracking code is TR123456.")
    desk.keyboard.press("Enter")
    expect(desk.locator("#conversation")).to_contain_text("Tracking code is TR123456.")
    shop.locator("#chat-message").fill("Are you still there?")
    shop.keyboard.press("Enter")
    expect(shop.locator("#chat-transcript .is-pending")).to_contain_text("Are you still there?")
    _shot(shop, "dealer-offline")
    shop.evaluate("window.__blockChat = false;")
    expect(shop.locator("#chat-transcript")).to_contain_text("Tracking code is TR123456.", timeout=LIVE)
    expect(shop.locator("#chat-transcript .is-pending")).to_have_count(0, timeout=LIVE)
    expect(desk.locator("#conversation")).to_contain_text("Are you still there?", timeout=LIVE)
    expect(shop.locator("#chat-connection")).to_be_hidden(timeout=LIVE)
    assert Message.objects.filter(ticket=chat.ticket, body="Are you still there?").count() == 1
    expect(shop.locator("#chat-transcript li", has_text="Tracking code is TR123456.")).to_have_count(1)
    expect(desk.locator("#conversation li", has_text="Are you still there?")).to_have_count(1)

    # The chat follows the dealer to the next page, panel open, the whole conversation in it; a message written
    # while the connection was down, and the dealer left the page at once, is sent from the next page.
    shop.evaluate("window.__blockChat = true; window.__chatSockets.forEach(s => s.close());")
    shop.locator("#chat-message").fill("One more thing: the invoice address.")
    shop.keyboard.press("Enter")
    expect(shop.locator("#chat-transcript .is-pending")).to_contain_text("One more thing")
    shop.goto(f"{base}/orders/")
    expect(shop.locator("#chat-panel")).to_be_visible(timeout=LIVE)
    transcript = shop.locator("#chat-transcript")
    for text in ("Hello, order 1042", "It left our warehouse", "Great, thank you!", "Tracking code is TR123456.",
                 "Are you still there?", "One more thing: the invoice address."):
        expect(transcript).to_contain_text(text, timeout=LIVE)
    expect(shop.locator("#chat-transcript .is-pending")).to_have_count(0, timeout=LIVE)
    expect(desk.locator("#conversation")).to_contain_text("One more thing: the invoice address.", timeout=LIVE)
    expect(desk.locator("#conversation li", has_text="One more thing")).to_have_count(1)
    assert Message.objects.filter(ticket=chat.ticket, body="One more thing: the invoice address.").count() == 1
    expect(shop.locator("#chat-status")).to_contain_text("You are talking to Deniz", timeout=LIVE)
    # Escape closes the panel and gives the focus back to the button.
    shop.locator("#chat-message").focus()
    shop.keyboard.press("Escape")
    expect(shop.locator("#chat-panel")).to_be_hidden()
    expect(launcher).to_be_focused()

    # The agent ends it: the dealer's widget says so and takes no more messages.
    shop.locator("#chat-launcher").click()
    desk.on("dialog", lambda dialog: dialog.accept())
    with desk.expect_navigation():
        desk.click("#desk-chat-end")
    expect(shop.locator("#chat-status")).to_contain_text("The chat has ended", timeout=LIVE)
    expect(shop.locator("#chat-form")).to_be_hidden()
    expect(shop.locator("#chat-new")).to_be_visible()
    assert ChatSession.objects.get().status == ChatStatus.ENDED
    desk.context.close()
    shop.context.close()


def test_out_of_hours_the_widget_offers_a_ticket_and_a_visitor_the_address(asgi_server, browser):
    WorkingHours.objects.all().delete()  # support is closed all week
    agent = _agent()
    AgentPresence.objects.create(user=agent, on_duty=True, last_seen_at=timezone.now())
    dealer = DealerFactory()
    owner = DealerUserFactory(dealer=dealer, role=Role.OWNER, email="ayse@closed.example.com")
    base = asgi_server

    shop = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
    shop.context.set_default_timeout(LIVE)
    log_in(shop, base, owner.email, PASSWORD, dealer.code)
    shop.click("#chat-launcher")
    unavailable = shop.locator("#chat-unavailable")
    expect(unavailable).to_contain_text("Our support team is away now", timeout=LIVE)
    expect(shop.locator("#chat-form")).to_be_hidden()
    link = shop.locator("#chat-ticket-link")
    expect(link).to_be_visible()
    _shot(shop, "dealer-out-of-hours")
    with shop.expect_navigation():
        link.click()
    assert shop.url == f"{base}/support/new/"
    assert not ChatSession.objects.exists()
    shop.context.close()

    # A visitor on the login page, on a phone: the address to write to, and nothing wider than the screen.
    phone = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    phone.context.set_default_timeout(LIVE)
    phone.goto(f"{base}/accounts/login/")
    phone.click("#chat-launcher")
    expect(phone.locator("#chat-unavailable")).to_contain_text("Write to us at", timeout=LIVE)
    expect(phone.locator("#chat-ticket-link")).to_have_count(0)
    _no_sideways_scroll(phone)
    _shot(phone, "visitor-phone-out-of-hours")
    phone.context.close()


def test_a_visitor_starts_a_chat_on_a_phone_with_a_name_and_an_address(asgi_server, browser):
    _open_all_day()
    agent = _agent()
    AgentPresence.objects.create(user=agent, on_duty=True, last_seen_at=timezone.now())
    base = asgi_server

    phone = browser.new_context(locale="en-US", viewport=PHONE).new_page()
    phone.context.set_default_timeout(LIVE)
    phone.goto(f"{base}/dealers/apply/")
    phone.click("#chat-launcher")
    expect(phone.locator("#chat-name")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#chat-name")).to_be_focused()
    # A bad address is refused with its field named; nothing is started.
    phone.fill("#chat-name", "Mehmet Yılmaz")
    phone.fill("#chat-email", "not an address")
    phone.fill("#chat-message", "Can I become a dealer in Izmir?")
    phone.keyboard.press("Enter")
    expect(phone.locator("#chat-error")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#chat-email")).to_have_attribute("aria-invalid", "true")
    assert not ChatSession.objects.exists()
    phone.fill("#chat-email", "mehmet@example.com")
    phone.click("#chat-send")
    expect(phone.locator("#chat-transcript")).to_contain_text("Can I become a dealer in Izmir?", timeout=LIVE)
    expect(phone.locator("#chat-status")).to_contain_text("Waiting for an agent")
    expect(phone.locator("#chat-visitor")).to_be_hidden()
    _no_sideways_scroll(phone)
    _shot(phone, "visitor-phone-chat")
    chat = ChatSession.objects.select_related("ticket").get()
    assert chat.ticket.visitor_name == "Mehmet Yılmaz" and chat.ticket.visitor_email == "mehmet@example.com"
    # The agent's answer (written by the desk's service, off Playwright's event loop) reaches the phone live.
    _in_a_thread(lambda: chat_service.post_message(session=chat, user=agent, body="Welcome! Yes, Izmir is open."))
    expect(phone.locator("#chat-transcript")).to_contain_text("Welcome! Yes, Izmir is open.", timeout=LIVE)
    expect(phone.locator("#chat-status")).to_contain_text("You are talking to Deniz", timeout=LIVE)
    _no_sideways_scroll(phone)
    # The visitor ends the chat: the widget offers a new one, the desk's chat is over.
    phone.click("#chat-end")
    expect(phone.locator("#chat-status")).to_contain_text("The chat has ended", timeout=LIVE)
    expect(phone.locator("#chat-new")).to_be_focused()
    assert ChatSession.objects.get().status == ChatStatus.ENDED
    phone.context.close()

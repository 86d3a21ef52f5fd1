"""Quarantine of inbound messages (issue 16): a support agent releases a held message to a ticket (as the dealer's
message, with its files), as a new contact of a dealer (who then opens or answers a ticket), or drops it; a dealer
user or staff who are not support agents are refused (404 on the page), a message released already is refused —
also when two agents click at once — and a refusal changes nothing."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from catalog.testing import png_bytes
from dealers.models import User
from dealers.testing import UserFactory
from portal.testing import run_together
from support.errors import BadRelease, InboundNotHeld, NotSupportAgent
from support.models import InboundMessage, Message, TicketSource
from support.permissions import SUPPORT_AGENTS_GROUP
from support.services import desk, quarantine, reply_address
from support.testing import open_as

from .test_mail_intake import mail, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


@pytest.fixture
def ticket(actor):
    return open_as(actor, subject="Panels flicker")


@pytest.fixture
def held(db):
    raw = mail(sender="Mehmet Yeni <mehmet@new-colleague.example>", subject="Question about panels",
               body="Do you have the 60x60 panel?\n\n-- \nMehmet",
               attachments=[("photo.png", png_bytes((12, 12)), "image/png")])
    inbound = take(raw)
    assert inbound.status == "quarantined"
    return inbound


def _state(inbound):
    inbound.refresh_from_db()
    return inbound.status, inbound.ticket_id, inbound.message_id, inbound.handled_by_id


# --- release to a ticket -----------------------------------------------------------------------------------------

def test_release_to_a_ticket_adds_the_dealers_message_with_its_files_and_reopens_a_waiting_ticket(
        held, ticket, support_agent):
    desk.staff_reply(actor=support_agent, ticket=ticket, body="Which panel?", then="waiting_on_dealer")
    message = quarantine.release_to_ticket(actor=support_agent, inbound=held, ticket=ticket.number.lower())
    assert message.ticket == ticket and not message.from_staff and message.author is None
    assert message.via == TicketSource.MAIL and message.body == "Do you have the 60x60 panel?"
    assert message.attachments.get().content_type == "image/png"
    held.refresh_from_db()
    ticket.refresh_from_db()
    assert held.status == "released" and held.ticket == ticket and held.message == message
    assert held.handled_by == support_agent and held.handled_at is not None
    assert ticket.status == "open" and ticket.last_dealer_reply_at is not None


def test_release_to_a_ticket_names_the_sender_when_a_user_of_that_dealer(owner, ticket, support_agent):
    inbound = take(mail(sender=owner.email, body="Ticket of another colleague?",
                        headers={"In-Reply-To": "<nothing@x>"}))
    InboundMessage.objects.filter(pk=inbound.pk).update(status="quarantined")
    message = quarantine.release_to_ticket(actor=support_agent, inbound=inbound, ticket=ticket)
    assert message.author == owner


def test_release_to_an_unknown_or_closed_ticket_is_refused_and_changes_nothing(held, ticket, support_agent):
    before = _state(held)
    with pytest.raises(BadRelease):
        quarantine.release_to_ticket(actor=support_agent, inbound=held, ticket="TCK-2000-999999")
    desk.move(actor=support_agent, ticket=ticket, to="closed")
    with pytest.raises(BadRelease):
        quarantine.release_to_ticket(actor=support_agent, inbound=held, ticket=ticket)
    assert _state(held) == before and ticket.messages.count() == 1


# --- release as a new contact ------------------------------------------------------------------------------------

def test_release_as_contact_creates_the_user_and_opens_their_ticket(held, dealer, owner, support_agent):
    row = quarantine.release_as_contact(actor=support_agent, inbound=held, dealer=dealer.code, first_name="Mehmet",
                                        last_name="Yeni")
    user = User.objects.get(email="mehmet@new-colleague.example")
    assert user.dealer == dealer and user.role == "buyer" and not user.has_usable_password() and user.is_active
    assert row.status == "released" and row.handled_by == support_agent
    ticket = row.ticket
    assert ticket.opened_by == user and ticket.source == TicketSource.MAIL and ticket.subject == "Question about panels"
    assert ticket.messages.get().attachments.count() == 1


def test_release_as_contact_refuses_what_would_stay_in_quarantine_and_keeps_no_user(
        support_agent, other_dealer, ticket):
    inbound = take(mail(sender="spy@elsewhere.example", to=f"<{reply_address(ticket)}>", body="Let me in"))
    assert inbound.status == "quarantined"
    with pytest.raises(BadRelease):  # the mail answers dealer A's ticket; the contact would be dealer B's
        quarantine.release_as_contact(actor=support_agent, inbound=inbound, dealer=other_dealer, first_name="S",
                                      last_name="Py")
    assert not User.objects.filter(email="spy@elsewhere.example").exists()
    assert _state(inbound)[0] == "quarantined"


def test_release_as_contact_refuses_an_existing_user_an_unknown_dealer_and_missing_names(
        held, owner, dealer, support_agent):
    for kwargs in ({"dealer": "NO-SUCH", "first_name": "A", "last_name": "B"},
                   {"dealer": dealer.code, "first_name": " ", "last_name": "B"},
                   {"dealer": dealer.code, "first_name": "A", "last_name": "B", "role": "owner"}):
        with pytest.raises(BadRelease):
            quarantine.release_as_contact(actor=support_agent, inbound=held, **kwargs)
    known = take(mail(sender=owner.email, body="x", headers={"Cc": "a@b.example"}))
    InboundMessage.objects.filter(pk=known.pk).update(status="quarantined")
    with pytest.raises(BadRelease):
        quarantine.release_as_contact(actor=support_agent, inbound=known, dealer=dealer, first_name="A",
                                      last_name="B")
    assert _state(held)[0] == "quarantined"


def test_a_whatsapp_sender_released_as_contact_gets_their_phone_and_a_ticket(dealer, support_agent):
    inbound = InboundMessage.objects.create(channel=TicketSource.WHATSAPP, sender="+905321234567",
                                            external_id="wamid.quarantined-1", text="Merhaba, panel var mı?",
                                            status="quarantined", reason="unknown number")
    with pytest.raises(BadRelease):  # every user has an e-mail address
        quarantine.release_as_contact(actor=support_agent, inbound=inbound, dealer=dealer, first_name="Ayşe",
                                      last_name="Kaya")
    row = quarantine.release_as_contact(actor=support_agent, inbound=inbound, dealer=dealer, first_name="Ayşe",
                                        last_name="Kaya", email="ayse@dealer.example")
    user = User.objects.get(email="ayse@dealer.example")
    assert user.phone_e164 == "+905321234567" and user.dealer == dealer
    assert row.status == "released" and row.ticket.opened_by == user
    assert row.message.body.startswith("Merhaba") and row.message.via == TicketSource.WHATSAPP


# --- drop and refusals -------------------------------------------------------------------------------------------

def test_drop_keeps_the_record_on_no_ticket(held, ticket, support_agent):
    quarantine.drop(actor=support_agent, inbound=held)
    status, ticket_id, message_id, handled_by = _state(held)
    assert status == "dropped" and ticket_id is None and handled_by == support_agent.pk
    with pytest.raises(InboundNotHeld):
        quarantine.release_to_ticket(actor=support_agent, inbound=held, ticket=ticket)
    with pytest.raises(InboundNotHeld):
        quarantine.drop(actor=support_agent, inbound=held)


def test_only_support_agents_handle_quarantine(held, owner, ticket, plain_staff, dealer):
    before = _state(held)
    for who in (owner, plain_staff):
        with pytest.raises(NotSupportAgent):
            quarantine.release_to_ticket(actor=who, inbound=held, ticket=ticket)
        with pytest.raises(NotSupportAgent):
            quarantine.release_as_contact(actor=who, inbound=held, dealer=dealer, first_name="A", last_name="B")
        with pytest.raises(NotSupportAgent):
            quarantine.drop(actor=who, inbound=held)
    assert _state(held) == before and ticket.messages.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_agents_releasing_at_once_land_the_message_once(support_agent, owner):
    from portal.testing import actor_of

    ticket = open_as(actor_of(owner))
    inbound = take(mail(sender="someone@elsewhere.example", body="Twice?"))
    other = UserFactory(is_staff=True)
    other.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    outcomes = run_together([
        lambda: quarantine.release_to_ticket(actor=support_agent, inbound=inbound.pk, ticket=ticket.number),
        lambda: quarantine.release_to_ticket(actor=other, inbound=inbound.pk, ticket=ticket.number),
    ])
    assert sorted(type(o).__name__ for o in outcomes) == ["InboundNotHeld", "Message"]
    assert Message.objects.filter(ticket=ticket, body="Twice?").count() == 1


# --- the page ----------------------------------------------------------------------------------------------------

def test_the_page_lists_held_messages_for_support_agents_only(client, held, owner, plain_staff, support_agent):
    url = reverse("support:quarantine")
    for who in (owner, plain_staff):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert client.get(reverse("support:inbound_raw", args=[held.pk])).status_code == 404
        assert client.post(reverse("support:quarantine_drop", args=[held.pk])).status_code == 404
    assert _state(held)[0] == "quarantined"
    client.force_login(support_agent)
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "mehmet@new-colleague.example" in text and "Question about panels" in text
    assert "unknown sender" in text and "Do you have the 60x60 panel?" in text
    raw = client.get(reverse("support:inbound_raw", args=[held.pk]))
    assert raw.status_code == 200 and raw["Content-Type"] == "message/rfc822"
    assert "attachment" in raw["Content-Disposition"]
    assert b"".join(raw.streaming_content).startswith(b"From: Mehmet Yeni")
    queue = client.get(reverse("support:desk")).content.decode()
    assert 'id="desk-quarantine-link"' in queue and '<span class="badge">1</span></a>' in queue


def test_the_page_releases_and_drops_and_shows_a_refusal_on_its_form(client, held, ticket, support_agent):
    client.force_login(support_agent)
    refused = client.post(reverse("support:quarantine_release", args=[held.pk]), {"ticket": "TCK-1999-000001"})
    assert refused.status_code == 400 and "There is no ticket TCK-1999-000001." in refused.content.decode()
    done = client.post(reverse("support:quarantine_release", args=[held.pk]), {"ticket": ticket.number})
    assert done.status_code == 302 and _state(held)[0] == "released"
    again = client.post(reverse("support:quarantine_drop", args=[held.pk]))
    assert again.status_code == 409 and "no longer in quarantine" in again.content.decode()
    other = take(mail(sender="x@elsewhere.example", body="Spam"))
    assert client.post(reverse("support:quarantine_drop", args=[other.pk])).status_code == 302
    assert _state(other)[0] == "dropped"
    assert "Nothing is held in quarantine." in client.get(reverse("support:quarantine")).content.decode()


def test_the_page_creates_a_contact(client, held, dealer, owner, support_agent):
    client.force_login(support_agent)
    response = client.post(reverse("support:quarantine_contact", args=[held.pk]), {
        "dealer": dealer.code, "first_name": "Mehmet", "last_name": "Yeni", "role": "buyer", "email": ""})
    assert response.status_code == 302
    assert User.objects.get(email="mehmet@new-colleague.example").dealer == dealer


def test_the_admin_lists_inbound_messages_and_drops_held_ones(staff_client, held, owner):
    done = take(mail(sender=owner.email, body="Fine"))
    url = reverse("admin:support_inboundmessage_changelist")
    page = staff_client.get(url, {"status__exact": "quarantined", "q": "new-colleague"})
    text = page.content.decode()
    assert page.status_code == 200 and "mehmet@new-colleague.example" in text
    assert reverse("support:inbound_raw", args=[held.pk]) in text
    response = staff_client.post(url, {"action": "drop_held", "_selected_action": [held.pk, done.pk]})
    assert response.status_code == 302
    assert _state(held)[0] == "dropped" and _state(done)[0] == "opened"

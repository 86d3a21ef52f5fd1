"""WhatsApp (issue 16): the signed webhook, each message taken once, senders matched to dealer users (unknown ones
quarantined), media checked like uploads, replies within WhatsApp's 24-hour window sent through the client (a
real worker) with their receipts on the desk, by mail outside it, and never an internal note."""
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerUserFactory, UserFactory
from portal.models import Notification
from portal.testing import run_together, wait_until
from support import channels
from support.channels.whatsapp_client import WhatsAppError
from support.models import (
    Attachment,
    DeliveryStatus,
    InboundMessage,
    InboundStatus,
    Message,
    Quarantine,
    Ticket,
)
from support.permissions import SUPPORT_AGENTS_GROUP
from support.services import desk, whatsapp
from support.testing import RecordingClient, recorded_sends, whatsapp_payload, whatsapp_text

pytestmark = pytest.mark.django_db

URL = "/support/webhooks/whatsapp/"
SECRET = "app-secret-for-tests"
VERIFY = "verify-me-please"
NUMBER = "905321234567"  # as WhatsApp sends it
WHATSAPP_ENV = {"WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY, "WHATSAPP_ACCESS_TOKEN": "token",
                "WHATSAPP_PHONE_NUMBER_ID": "1234567890", "WHATSAPP_CLIENT": "support.testing.RecordingClient"}


@pytest.fixture(autouse=True)
def whatsapp_on(settings):
    for name, value in WHATSAPP_ENV.items():
        setattr(settings, name, value)
    RecordingClient.reset()
    yield
    RecordingClient.reset()


@pytest.fixture
def dealer_user(owner):
    owner.phone = "0532 123 45 67"
    owner.language = "en"
    owner.save()
    return owner


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


def post(client, payload, *, secret=SECRET, signature=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {}
    if signature is not None or secret is not None:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature if signature is not None else whatsapp.sign(body, secret)
    return client.generic("POST", URL, body, content_type="application/json", **headers)


def text(body, wamid, **kwargs):
    return whatsapp_payload(whatsapp_text(NUMBER, body, wamid, **kwargs), names={NUMBER: "Ayşe Yılmaz"})


# --- the webhook's door ----------------------------------------------------------------------------------------------

def test_the_verify_handshake_echoes_the_challenge_only_for_the_right_token(client):
    answer = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert answer.status_code == 200 and answer.content == b"1158201444"
    assert answer["Content-Type"].startswith("text/plain")
    wrong = client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and b"1158201444" not in wrong.content


def test_a_call_with_a_wrong_or_no_signature_is_refused_and_nothing_is_stored(client, dealer_user):
    payload = text("Where is my order?", "wamid.SIG1")
    assert post(client, payload, secret="not-the-secret").status_code == 403
    assert post(client, payload, secret=None).status_code == 403
    assert post(client, payload, signature="sha256=").status_code == 403
    assert not InboundMessage.objects.exists() and not Ticket.objects.exists()


def test_a_body_that_is_not_json_or_carries_a_nul_is_a_400_with_a_code(client):
    for raw in (b"{not json", b'{"object": "whatsapp_business_account", "x": "a\x00b"}', b"[1, 2]",
                b"[" * 5000 + b"]" * 5000):
        answer = post(client, None, raw=raw)
        assert answer.status_code == 400, raw[:20]
        assert answer.json()["code"] in {"support.bad_whatsapp_payload", "invalid_characters"}
    assert not InboundMessage.objects.exists()


def test_the_channel_is_off_when_not_configured(client, settings, dealer_user):
    settings.WHATSAPP_APP_SECRET = ""
    assert client.get(URL, {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"}).status_code == 404
    assert post(client, text("Hello", "wamid.OFF1")).status_code == 404
    assert not InboundMessage.objects.exists()
    settings.WHATSAPP_APP_SECRET = SECRET
    post(client, text("Hello", "wamid.OFF2"))
    ticket = Ticket.objects.get()
    assert channels.adapter("whatsapp").can_reach(ticket)
    settings.WHATSAPP_ACCESS_TOKEN = ""
    assert not channels.adapter("whatsapp").can_reach(ticket)


# --- taking messages in ----------------------------------------------------------------------------------------------

def test_a_replayed_message_id_is_taken_once(client, dealer_user):
    payload = text("The panels arrived broken", "wamid.ONCE")
    first, second = post(client, payload), post(client, payload)
    assert first.json() == {"received": 1, "duplicates": 0, "statuses": 0}
    assert second.status_code == 200 and second.json()["duplicates"] == 1
    assert InboundMessage.objects.count() == 1 and Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_message_at_once_are_taken_once(dealer_user):
    from django.test import Client

    payload = text("Two at once", "wamid.RACE")
    answers = run_together([lambda: post(Client(), payload), lambda: post(Client(), payload)])
    assert sorted(a.json()["received"] for a in answers) == [0, 1]
    assert InboundMessage.objects.count() == 1
    assert Message.objects.filter(external_id="wamid.RACE").count() == 1 and Ticket.objects.count() == 1


def test_an_unknown_number_is_quarantined_with_the_reason(client, dealer):
    post(client, text("Who am I?", "wamid.UNKNOWN"))
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED and "No active dealer user" in inbound.reason
    assert inbound.sender == "+905321234567" and inbound.sender_name == "Ayşe Yılmaz"
    assert json.loads(inbound.raw.read())["text"]["body"] == "Who am I?"
    assert not Ticket.objects.exists()


def test_two_users_with_one_number_are_ambiguous(client, dealer_user, dealer):
    DealerUserFactory(dealer=dealer, role="buyer", phone="+90 532 123 4567")
    post(client, text("Hello", "wamid.AMBIGUOUS"))
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.QUARANTINED and "ambiguous" in inbound.reason


def test_a_released_message_is_handled_again_through_the_adapter(client, dealer):
    post(client, text("Please call me back", "wamid.LATER"))
    inbound = InboundMessage.objects.get()
    DealerUserFactory(dealer=dealer, role="buyer", phone="+905321234567")  # staff add the contact
    channels.adapter(inbound.channel).process_inbound(inbound)
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.OPENED and inbound.ticket.messages.get().body == "Please call me back"


def test_a_known_users_message_opens_a_ticket_and_the_next_lands_on_it(client, dealer_user):
    post(client, text("The inverter shows error E42 since this morning, what should we do?", "wamid.A1"))
    ticket = Ticket.objects.get()
    assert ticket.source == "whatsapp" and ticket.dealer == dealer_user.dealer and ticket.opened_by == dealer_user
    assert ticket.subject.startswith("The inverter shows error E42") and len(ticket.subject) <= 61
    first = ticket.messages.get()
    assert first.via == "whatsapp" and first.external_id == "wamid.A1" and first.author == dealer_user
    post(client, text("It is model X200", "wamid.A2"))
    assert Ticket.objects.count() == 1
    assert list(ticket.messages.values_list("body", flat=True)) == [first.body, "It is model X200"]
    assert InboundMessage.objects.get(external_id="wamid.A2").status == InboundStatus.THREADED
    # A closed ticket takes nothing more: the next message opens a new one.
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    post(client, text("Another question", "wamid.A3"))
    assert Ticket.objects.count() == 2


def test_other_kinds_are_kept_as_a_readable_line(client, dealer_user):
    location = {"from": NUMBER, "id": "wamid.LOC", "timestamp": "1767225600", "type": "location",
                "location": {"latitude": 41.01, "longitude": 28.97, "name": "Depo"}}
    sticker = {"from": NUMBER, "id": "wamid.STK", "timestamp": "1767225601", "type": "sticker",
               "sticker": {"id": "m1", "mime_type": "image/webp"}}
    post(client, whatsapp_payload(location, sticker))
    bodies = list(Message.objects.order_by("pk").values_list("body", flat=True))
    assert bodies[0].startswith("[Location: Depo 41.01, 28.97") and bodies[1] == "[A sticker]"


def _image(media_id, wamid, caption=""):
    image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"}
    if caption:
        image["caption"] = caption
    return whatsapp_payload({"from": NUMBER, "id": wamid, "timestamp": "1767225600", "type": "image",
                             "image": image})


def test_a_photo_is_downloaded_checked_and_stored_on_the_message(client, dealer_user):
    from catalog.testing import png_bytes

    RecordingClient.media["MEDIA-1"] = (png_bytes((30, 20)), "image/png", "")
    post(client, _image("MEDIA-1", "wamid.IMG", caption="Broken corner"))
    message = Message.objects.get()
    assert message.body == "Broken corner"
    attachment = Attachment.objects.get(message=message)
    assert attachment.content_type == "image/png" and attachment.filename.endswith(".png")
    assert attachment.file.read()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_program_claimed_as_a_jpeg_goes_to_the_file_quarantine(client, dealer_user):
    RecordingClient.media["MEDIA-EXE"] = (b"MZ\x90\x00" + b"\x00" * 200, "image/jpeg", "photo.jpg")
    post(client, _image("MEDIA-EXE", "wamid.EXE"))
    message = Message.objects.get()
    assert not Attachment.objects.exists()
    assert "it is a program" in message.body
    kept = Quarantine.objects.get()
    assert kept.uploaded_by == dealer_user and "program" in kept.reason and kept.file.name.endswith(".bin")


# --- replies and receipts ------------------------------------------------------------------------------------------

def _whatsapp_ticket(client, body="Help please", wamid="wamid.T1"):
    post(client, text(body, wamid))
    return Ticket.objects.get(messages__external_id=wamid)


def test_a_reply_outside_the_24_hour_window_is_mailed(client, dealer_user, support_agent):
    ticket = _whatsapp_ticket(client)
    Message.objects.filter(ticket=ticket).update(created_at=timezone.now() - timedelta(hours=25))
    reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="We looked at it.")
    reply.refresh_from_db()
    assert reply.via == "mail" and reply.delivery_status == ""
    assert Notification.objects.filter(recipient=dealer_user.email, template="support/staff_reply").exists()
    assert RecordingClient.sent == []


def test_an_internal_note_is_never_sent(client, dealer_user, support_agent, django_capture_on_commit_callbacks):
    ticket = _whatsapp_ticket(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = desk.add_note(actor=support_agent, ticket=ticket, body="SECRET: on credit hold")
    assert callbacks == [] and note.delivery_status == ""
    assert whatsapp.send_message(message_id=note.pk) == "" and RecordingClient.sent == []
    with pytest.raises(channels.NotForDealer):
        channels.deliver_reply(ticket=ticket, message=note)


def test_a_reply_is_sent_with_its_wamid_and_a_failure_is_retried_then_mailed(client, dealer_user, support_agent,
                                                                            django_capture_on_commit_callbacks):
    ticket = _whatsapp_ticket(client)
    with django_capture_on_commit_callbacks(execute=False):
        reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="Restart it please.")
    reply.refresh_from_db()
    assert reply.via == "whatsapp" and reply.delivery_status == DeliveryStatus.PENDING
    RecordingClient.failures = [WhatsAppError("WhatsApp could not be reached: timed out", retryable=True)]
    assert whatsapp.send_message(message_id=reply.pk, final=False) == whatsapp.RETRY
    assert whatsapp.send_message(message_id=reply.pk) == "sent"
    reply.refresh_from_db()
    assert reply.delivery_status == "sent" and reply.external_id == RecordingClient.sent[0]["wamid"]
    assert RecordingClient.sent[0]["to"] == "+905321234567" and RecordingClient.sent[0]["body"] == "Restart it please."
    assert whatsapp.send_message(message_id=reply.pk) == "" and len(RecordingClient.sent) == 1  # run twice: sent once

    with django_capture_on_commit_callbacks(execute=False):
        second = desk.staff_reply(actor=support_agent, ticket=ticket, body="Any news?")
    RecordingClient.failures = [WhatsAppError("WhatsApp refused the call (HTTP 400, code 131047)", retryable=False)]
    assert whatsapp.send_message(message_id=second.pk, final=False) == "failed"
    second.refresh_from_db()
    assert second.delivery_status == "failed" and "131047" in second.delivery_error
    assert Notification.objects.filter(recipient=dealer_user.email, template="support/staff_reply").count() == 1


def test_a_dead_broker_at_reply_time_loses_nothing(client, dealer_user, support_agent, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    from support.tasks import send_whatsapp_task

    ticket = _whatsapp_ticket(client)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(send_whatsapp_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="Saved anyway")
    reply.refresh_from_db()
    assert reply.delivery_status == "pending" and reply.body == "Saved anyway"
    sent = []
    monkeypatch.setattr(send_whatsapp_task, "apply_async", lambda args, kwargs: sent.append(args))
    Message.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert whatsapp.send_pending(older_than_seconds=60)["resent"] == 1 and sent == [(reply.pk,)]


def _status(wamid, status, at, **extra):
    return {"id": wamid, "status": status, "timestamp": str(int(at.timestamp())), "recipient_id": NUMBER, **extra}


def test_a_read_receipt_before_delivered_does_not_go_backwards(client, dealer_user, support_agent,
                                                               django_capture_on_commit_callbacks):
    ticket = _whatsapp_ticket(client)
    with django_capture_on_commit_callbacks(execute=False):
        reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="Done")
    whatsapp.send_message(message_id=reply.pk)
    reply.refresh_from_db()
    now = timezone.now()
    post(client, whatsapp_payload(statuses=[_status(reply.external_id, "read", now)]))
    answer = post(client, whatsapp_payload(statuses=[_status(reply.external_id, "delivered", now),
                                                     _status(reply.external_id, "failed", now),
                                                     _status("wamid.NOBODY", "read", now)]))
    assert answer.json()["statuses"] == 0
    reply.refresh_from_db()
    assert reply.delivery_status == "read" and reply.delivery_error == ""


@pytest.mark.django_db(transaction=True)
def test_a_reply_within_24_hours_goes_out_by_whatsapp_and_its_receipts_show_on_the_desk(
        client, dealer_user, support_agent, start_celery, private_broker, tmp_path):
    recording = tmp_path / "sent.jsonl"
    start_celery("worker", {**WHATSAPP_ENV, "WHATSAPP_RECORDING_FILE": str(recording),
                            "CELERY_BROKER_URL": private_broker.url})
    ticket = _whatsapp_ticket(client, body="Is my order on its way?")
    reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="Yes, it left today.")
    wait_until(lambda: recorded_sends(recording), what="the reply sent through the client")
    sent = recorded_sends(recording)
    assert [(s["to"], s["body"]) for s in sent] == [("+905321234567", "Yes, it left today.")]
    wait_until(lambda: Message.objects.get(pk=reply.pk).delivery_status == "sent", what="the wamid stored")
    reply.refresh_from_db()
    assert reply.external_id == sent[0]["wamid"]

    client.force_login(support_agent)
    page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert f'id="receipt-{reply.pk}"' in page and "<strong>Sent</strong>" in page
    later = timezone.now()
    for status in ("delivered", "read"):
        post(client, whatsapp_payload(statuses=[_status(reply.external_id, status, later)]))
        page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
        assert f"<strong>{status.capitalize()}</strong>" in page
    assert "delivery-read" in page


def test_the_dealer_sees_which_messages_came_by_whatsapp(client, dealer_user):
    ticket = _whatsapp_ticket(client)
    client.force_login(dealer_user)
    page = client.get(reverse("support:ticket", args=[ticket.number])).content.decode()
    assert "via WhatsApp" in page


# --- phone numbers on users ------------------------------------------------------------------------------------------

def test_an_owner_sets_a_colleagues_phone_and_an_invalid_one_is_refused(client, owner, dealer):
    colleague = DealerUserFactory(dealer=dealer, role="buyer")
    client.force_login(owner)
    url = reverse("dealers:user_edit", args=[colleague.pk])
    answer = client.post(url, {"role": "buyer", "is_active": "on", "phone": "12345"})
    assert answer.status_code == 200 and "Enter a phone number with its country code" in answer.content.decode()
    colleague.refresh_from_db()
    assert colleague.phone == ""
    answer = client.post(url, {"role": "buyer", "is_active": "on", "phone": "+90 532 765 43 21"})
    assert answer.status_code == 302
    colleague.refresh_from_db()
    assert colleague.phone_e164 == "+905327654321"


def test_the_admin_refuses_an_invalid_phone(staff_client, owner):
    from dealers.forms_admin import AdminUserChangeForm

    form = AdminUserChangeForm(instance=owner, data={"email": owner.email, "phone": "not a phone",
                                                     "dealer": owner.dealer_id, "role": "owner", "language": "en",
                                                     "is_active": "on", "date_joined": "2026-01-01 00:00"})
    assert not form.is_valid() and "Enter a phone number with its country code" in str(form.errors["phone"])


def test_a_failed_receipt_marks_the_reply_not_delivered_and_mails_it(client, dealer_user, support_agent,
                                                                     django_capture_on_commit_callbacks):
    ticket = _whatsapp_ticket(client)
    with django_capture_on_commit_callbacks(execute=False):
        reply = desk.staff_reply(actor=support_agent, ticket=ticket, body="Call us")
    whatsapp.send_message(message_id=reply.pk)
    reply.refresh_from_db()
    failed = _status(reply.external_id, "failed", timezone.now(),
                     errors=[{"code": 131047, "title": "Re-engagement message"}])
    assert post(client, whatsapp_payload(statuses=[failed])).json()["statuses"] == 1
    reply.refresh_from_db()
    assert reply.delivery_status == "failed" and "131047" in reply.delivery_error
    assert Notification.objects.filter(recipient=dealer_user.email, template="support/staff_reply").exists()
    client.force_login(support_agent)
    page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    assert "<strong>Not delivered</strong>" in page and 'title="131047 Re-engagement message' in page


def test_a_photo_whatsapp_cannot_hand_over_yet_is_taken_later_by_beat(client, dealer_user):
    from catalog.testing import png_bytes

    RecordingClient.media["MEDIA-LATE"] = WhatsAppError("WhatsApp could not be reached: timed out", retryable=True)
    post(client, _image("MEDIA-LATE", "wamid.LATE", caption="See the photo"))
    inbound = InboundMessage.objects.get()
    assert inbound.status == InboundStatus.RECEIVED and not Message.objects.exists()
    RecordingClient.media["MEDIA-LATE"] = (png_bytes((10, 10)), "image/png", "")
    assert whatsapp.send_pending(older_than_seconds=0)["handled"] == 1
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.OPENED and inbound.message.attachments.count() == 1

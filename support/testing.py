"""Test factories of support (issue 15), shared by support's tests: tickets, teams, SLA policies and the calendar.
Extend it (append factories), do not import another app's tests."""
import datetime

import factory

from support.models import Holiday, SlaPolicy, Team, Ticket, WorkingHours


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class TicketFactory(factory.django.DjangoModelFactory):
    """A new ticket of a dealer (a fresh approved dealer unless given). Its SLA due times are not computed: call
    `support.services.recompute_due(ticket=...)`, or build it through the ticket services."""

    class Meta:
        model = Ticket
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"TCK-2026-{900000 + n:06d}")
    dealer = factory.SubFactory("dealers.testing.DealerFactory")
    subject = factory.Sequence(lambda n: f"Problem {n}")
    priority = "normal"
    urgency = "normal"
    status = "new"

    @factory.post_generation
    def created_at(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object built
        """`TicketFactory(created_at=...)`: auto_now_add ignores a value given at creation, so it is set after."""
        if create and extracted:
            Ticket.objects.filter(pk=obj.pk).update(created_at=extracted)
            obj.created_at = extracted


def office_hours(opens=datetime.time(9), closes=datetime.time(18), weekdays=range(5)):
    """The calendar's working hours (replacing any), Monday–Friday 09:00–18:00 by default."""
    WorkingHours.objects.all().delete()
    return [WorkingHours.objects.create(weekday=day, opens=opens, closes=closes) for day in weekdays]


def sla_policy(*, priority="normal", tier="standard", first_response_minutes=480, resolution_minutes=1620):
    """Set (create or replace) the targets of one (priority, tier)."""
    policy, _ = SlaPolicy.objects.update_or_create(
        priority=priority, tier=tier,
        defaults={"first_response_minutes": first_response_minutes, "resolution_minutes": resolution_minutes})
    return policy


def holiday(date, name="Holiday", closes_at=None):
    return Holiday.objects.update_or_create(date=date, defaults={"name": name, "closes_at": closes_at})[0]


# --- FAQ (H-FAQ) ----------------------------------------------------------------------------------------------------

class ArticleCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "support.ArticleCategory"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"faq-category-{n}")
    name_en = factory.Sequence(lambda n: f"FAQ category {n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published FAQ article in English only (give `title_tr=`, `body_tr=`… for its translations)."""

    class Meta:
        model = "support.Article"

    category = factory.SubFactory(ArticleCategoryFactory)
    slug = factory.Sequence(lambda n: f"faq-article-{n}")
    status = "published"
    title_en = factory.Sequence(lambda n: f"Question {n}")
    body_en = "An answer."


# --- the dealer's side of tickets (H-TICKETS) ------------------------------------------------------------------------

def png_upload(name="photo.png", size=(40, 30)):
    """A small real PNG as an uploaded file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.testing import png_bytes

    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def pdf_upload(name="invoice.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def file_upload(name, content: bytes, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def shipped(actor, product, staff, *, status="shipped", carrier=None, parcels=(("YK123", "2.5"),)):
    """A confirmed order of `product` × 3 for the actor's dealer with one shipment moved along to `status`."""
    from shipping.services import move_shipment
    from shipping.testing import CarrierFactory, confirmed_order, ship

    order = confirmed_order(actor, product, 3, staff=staff)
    shipment = ship(order, staff=staff, carrier=carrier or CarrierFactory(name="Yurtiçi Kargo"), parcels=parcels)
    path = ["shipped", "in_transit", "out_for_delivery", "delivered"]
    if status != "preparing":
        for to in path[:path.index(status) + 1]:
            shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def open_as(actor, **fields):
    """A ticket opened through the service (subject, body, category, urgency defaulted)."""
    from support.services import open_ticket

    fields.setdefault("subject", "Panels flicker")
    fields.setdefault("body", "Two panels flicker after an hour.")
    fields.setdefault("category", "product")
    fields.setdefault("urgency", "normal")
    return open_ticket(actor=actor, **fields)


# --- WhatsApp (issue 16, H5) -----------------------------------------------------------------------------------------

class RecordingClient:
    """A stand-in for support.channels.whatsapp_client.CloudApiClient (settings.WHATSAPP_CLIENT =
    "support.testing.RecordingClient"): records what would be sent and answers with made-up wamids; serves the media
    given to it (`RecordingClient.media[media_id] = (bytes, mime, filename)`, or a WhatsAppError to raise); raises the errors queued in
    `RecordingClient.failures` first. In a Celery worker (another process) it appends each send to the JSON-lines
    file named by the environment's WHATSAPP_RECORDING_FILE, which the test reads (`recorded_sends`)."""

    sent: list = []
    media: dict = {}
    failures: list = []

    @classmethod
    def reset(cls):
        cls.sent, cls.media, cls.failures = [], {}, []

    def send_text(self, to_e164, body):
        import json
        import os
        import uuid

        if RecordingClient.failures:
            raise RecordingClient.failures.pop(0)
        wamid = f"wamid.TEST{uuid.uuid4().hex}"
        RecordingClient.sent.append({"to": to_e164, "body": body, "wamid": wamid})
        path = os.environ.get("WHATSAPP_RECORDING_FILE")
        if path:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"to": to_e164, "body": body, "wamid": wamid}) + "\n")
        return wamid

    def download_media(self, media_id):
        from support.channels.whatsapp_client import WhatsAppError

        found = RecordingClient.media.get(media_id)
        if found is None:
            raise WhatsAppError("No such medium.", retryable=False)
        if isinstance(found, Exception):  # a medium WhatsApp cannot hand over now
            raise found
        return found


def recorded_sends(path) -> list[dict]:
    """What a worker's RecordingClient sent (its WHATSAPP_RECORDING_FILE)."""
    import json
    from pathlib import Path

    if not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def whatsapp_payload(*messages, statuses=(), names=None) -> dict:
    """A webhook body shaped like WhatsApp's: `messages` and `statuses` of one change of one business account."""
    contacts = [{"profile": {"name": name}, "wa_id": number} for number, name in (names or {}).items()]
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "902125550000", "phone_number_id": "1234567890"}}
    if contacts:
        value["contacts"] = contacts
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA-1", "changes": [{"field": "messages", "value": value}]}]}


def whatsapp_text(number, body, wamid, *, timestamp="1767225600", context=None) -> dict:
    """One incoming text message as WhatsApp sends it (`number` without "+")."""
    message = {"from": number, "id": wamid, "timestamp": timestamp, "type": "text", "text": {"body": body}}
    if context:
        message["context"] = {"from": "902125550000", "id": context}
    return message


# --- Live chat (issue 16, H3) -------------------------------------------------------------------------------------

def support_agent_user(**fields):
    """A staff user in the "Support agents" group."""
    from django.contrib.auth.models import Group

    from dealers.testing import UserFactory

    from .permissions import SUPPORT_AGENTS_GROUP

    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get_or_create(name=SUPPORT_AGENTS_GROUP)[0])
    return user


def open_for_chat(*agents):
    """Live chat available now: working hours round the clock every day, no holidays, `agents` on duty and seen
    now."""
    from django.utils import timezone

    from .models import AgentPresence

    office_hours(opens=datetime.time(0), closes=datetime.time(23, 59, 59, 999999), weekdays=range(7))
    Holiday.objects.all().delete()
    for agent in agents:
        AgentPresence.objects.update_or_create(user=agent, defaults={"on_duty": True,
                                                                     "last_seen_at": timezone.now()})

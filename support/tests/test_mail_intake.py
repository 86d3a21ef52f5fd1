"""Mail intake (issue 16): a received mail, fed as raw bytes to `mail_intake.take`, lands on its ticket (by
In-Reply-To, References, the signed reply address, the subject's ticket number), opens a ticket, becomes a staff
reply, or is ignored (auto-replies, loops) or held in quarantine (strangers, another dealer's ticket, garbage) —
once, whatever comes twice."""
import datetime
from email.message import EmailMessage

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from dealers.testing import DealerFactory, DealerUserFactory, UserFactory
from portal import outbox
from portal.models import Notification
from support.models import Attachment, InboundMessage, Message, Quarantine, Ticket, TicketSource
from support.permissions import SUPPORT_AGENTS_GROUP
from support.services import desk, mail_intake, reply_address
from support.testing import office_hours, open_as, pdf_upload

pytestmark = pytest.mark.django_db

_uid = iter(range(1, 10**6))


def mail(*, sender, to="support@portal.example", subject="Hello", body="Please help.", html=None, headers=None,
         message_id=None, attachments=()) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<m{next(_uid)}@dealer.example>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    for name, content, mime in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def take(raw, **kwargs):
    kwargs.setdefault("mailbox", "INBOX")
    kwargs.setdefault("uidvalidity", 1)
    kwargs.setdefault("uid", next(_uid))
    return mail_intake.take(raw, **kwargs)


@pytest.fixture
def support_agent(db):
    user = UserFactory(is_staff=True, first_name="Deniz", last_name="Destek", email="deniz@support.example")
    user.groups.add(Group.objects.get(name=SUPPORT_AGENTS_GROUP))
    return user


@pytest.fixture
def ticket(actor):
    return open_as(actor, subject="Panels flicker")


def staff_answer(agent, ticket, **kwargs):
    message = desk.staff_reply(actor=agent, ticket=ticket, body="Did you try the other driver?", **kwargs)
    message.refresh_from_db()
    return message


# --- threading -----------------------------------------------------------------------------------------------------

def test_a_reply_threads_by_in_reply_to_with_quotes_cut_and_the_whole_text_kept(owner, ticket, support_agent):
    answer = staff_answer(support_agent, ticket, then="waiting_on_dealer")
    assert answer.message_id
    body = ("Yes, it still flickers.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <support@portal.example> wrote:\n"
            "> Did you try the other driver?\n")
    inbound = take(mail(sender=owner.email.upper(), subject="Re: Panels flicker", body=body,
                        headers={"In-Reply-To": answer.message_id}))
    assert inbound.status == "threaded" and inbound.ticket == ticket
    message = inbound.message
    assert message.ticket == ticket and message.author == owner and message.via == TicketSource.MAIL
    assert message.body == "Yes, it still flickers." and "Did you try the other driver?" in message.full_body
    assert message.message_id == inbound.external_id
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_the_desk_shows_the_cut_text_and_opens_the_whole_mail_on_demand(client, owner, ticket, support_agent):
    answer = staff_answer(support_agent, ticket)
    body = ("Yes, it still flickers.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <support@portal.example> wrote:\n"
            "> Did you try the other driver?\n")
    take(mail(sender=owner.email, subject="Re: Panels flicker", body=body, headers={"In-Reply-To": answer.message_id}))
    client.force_login(support_agent)
    page = client.get(reverse("support:desk_ticket", args=[ticket.number])).content.decode()
    whole = page.split('class="desk-full-mail"', 1)[1].split("</details>", 1)[0]
    assert "The whole mail" in whole and "On Mon, 5 Jan 2026 at 10:00" in whole
    client.force_login(owner)
    dealer_page = client.get(reverse("support:ticket", args=[ticket.number])).content.decode()
    assert "Yes, it still flickers." in dealer_page and "desk-full-mail" not in dealer_page


def test_a_reply_threads_by_references_and_by_an_outbox_message_id(owner, ticket, support_agent):
    answer = staff_answer(support_agent, ticket)
    inbound = take(mail(sender=owner.email, body="Thanks.",
                        headers={"References": f"<unknown@x.example> {answer.message_id}"}))
    assert inbound.status == "threaded" and inbound.ticket == ticket
    # A second recipient's mail carries its own outbox id, not stored on the message: still threads.
    row = Notification.objects.filter(template="support/staff_reply").latest("pk")
    other = outbox.notify(to="someone@dealer.example", template="support/staff_reply",
                          context={**row.context, "number": ticket.number})
    inbound = take(mail(sender=owner.email, body="One more thing.", headers={"In-Reply-To": outbox.message_id(other)}))
    assert inbound.status == "threaded" and inbound.ticket == ticket


def test_a_reply_threads_by_the_signed_reply_address_and_by_the_subject_number(owner, ticket):
    inbound = take(mail(sender=owner.email, to=f"Support <{reply_address(ticket)}>", body="By the address."))
    assert inbound.status == "threaded" and inbound.message.ticket == ticket
    inbound = take(mail(sender=owner.email, subject=f"Still broken [{ticket.number}]", body="By the number."))
    assert inbound.status == "threaded" and inbound.message.ticket == ticket
    assert list(ticket.messages.values_list("body", flat=True))[-2:] == ["By the address.", "By the number."]


def test_a_new_mail_of_a_dealer_user_opens_a_ticket(buyer):
    inbound = take(mail(sender=f"Ali <{buyer.email}>", subject="Re: AW: Order question", body="Where is my order?"),
                   category="order")
    assert inbound.status == "opened"
    ticket = inbound.ticket
    assert ticket.source == TicketSource.MAIL and ticket.opened_by == buyer and ticket.dealer == buyer.dealer
    assert ticket.subject == "Order question" and ticket.category == "order"
    assert ticket.messages.get().body == "Where is my order?"


def test_a_subject_number_of_a_ticket_the_sender_may_not_see_opens_a_new_ticket(buyer, ticket):
    inbound = take(mail(sender=buyer.email, subject=f"Like {ticket.number}", body="Same here."))
    assert inbound.status == "opened" and inbound.ticket != ticket
    assert not ticket.messages.filter(body="Same here.").exists()


# --- who may write -------------------------------------------------------------------------------------------------

def test_a_stranger_is_quarantined(ticket):
    inbound = take(mail(sender="stranger@elsewhere.example", to=reply_address(ticket), body="Hi there"))
    assert inbound.status == "quarantined" and "stranger@elsewhere.example" in inbound.reason
    assert inbound.ticket is None and inbound.text == "Hi there"
    assert ticket.messages.count() == 1 and Ticket.objects.count() == 1


def test_a_dealer_user_writing_to_another_dealers_ticket_is_quarantined(other_owner, ticket, support_agent):
    answer = staff_answer(support_agent, ticket)
    for raw in (mail(sender=other_owner.email, body="Mine now", headers={"In-Reply-To": answer.message_id}),
                mail(sender=other_owner.email, to=reply_address(ticket), body="Mine now")):
        inbound = take(raw)
        assert inbound.status == "quarantined" and ticket.number in inbound.reason
    assert not Message.objects.filter(body="Mine now").exists()


def test_an_inactive_user_or_a_dealer_not_approved_is_quarantined(db):
    pending = DealerUserFactory(dealer=DealerFactory(status="pending"), role="owner")
    gone = DealerUserFactory(role="owner", is_active=False)
    for user in (pending, gone):
        inbound = take(mail(sender=user.email))
        assert inbound.status == "quarantined"
    assert Ticket.objects.count() == 0


def test_a_support_agents_mail_is_a_staff_reply_mailed_to_the_dealer(owner, ticket, support_agent):
    inbound = take(mail(sender=support_agent.email, to=reply_address(ticket), body="We send a new driver."))
    assert inbound.status == "threaded"
    message = inbound.message
    assert message.from_staff and message.author == support_agent and message.body == "We send a new driver."
    assert Notification.objects.filter(template="support/staff_reply", recipient=owner.email).count() == 1
    assert not Notification.objects.filter(template="support/staff_reply", recipient=support_agent.email).exists()
    # An agent's mail that answers no ticket is held.
    assert take(mail(sender=support_agent.email, body="Hello?")).status == "quarantined"


def test_cc_addresses_never_create_anything(owner):
    from dealers.models import User

    before = User.objects.count()
    raw = mail(sender=owner.email, body="Copying my colleague.",
               headers={"Cc": "colleague@dealer.example, Boss <boss@dealer.example>"})
    inbound = take(raw)
    assert inbound.status == "opened" and InboundMessage.objects.count() == 1 and Ticket.objects.count() == 1
    assert User.objects.count() == before
    assert not User.objects.filter(email__in=["colleague@dealer.example", "boss@dealer.example"]).exists()
    assert not Notification.objects.filter(recipient__in=["colleague@dealer.example", "boss@dealer.example"]).exists()


# --- auto-replies and loops ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"X-Autoreply": "yes"},
    {"X-Autorespond": "Out of office"},
    {"X-Auto-Response-Suppress": "OOF, AutoReply"},
    {"X-Auto-Response-Suppress": "All"},
    {"Precedence": "bulk"},
    {"Precedence": "auto_reply"},
    {"List-Id": "<news.dealer.example>"},
    {"Return-Path": "<>"},
])
def test_auto_replies_bulk_mail_and_bounces_are_ignored(owner, ticket, headers):
    inbound = take(mail(sender=owner.email, to=reply_address(ticket), body="I am away.", headers=headers))
    assert inbound.status == "ignored" and inbound.reason
    assert ticket.messages.count() == 1 and Ticket.objects.count() == 1


def test_auto_submitted_no_is_an_ordinary_mail(owner, ticket):
    inbound = take(mail(sender=owner.email, to=reply_address(ticket), headers={"Auto-Submitted": "no"}))
    assert inbound.status == "threaded"


def test_a_bounce_from_mailer_daemon_is_ignored(ticket):
    inbound = take(mail(sender="MAILER-DAEMON@mx.dealer.example", to=reply_address(ticket), subject="Undelivered"))
    assert inbound.status == "ignored"


def test_our_own_message_id_and_our_own_address_are_ignored(owner, ticket, support_agent, settings):
    answer = staff_answer(support_agent, ticket)
    inbound = take(mail(sender=owner.email, message_id=answer.message_id, to=reply_address(ticket)))
    assert inbound.status == "ignored" and "Message-ID" in inbound.reason
    settings.DEFAULT_FROM_EMAIL = "Dealer Portal <portal@portal.example>"
    inbound = take(mail(sender="portal@portal.example", to=reply_address(ticket)))
    assert inbound.status == "ignored"
    inbound = take(mail(sender=reply_address(ticket), to=reply_address(ticket)))
    assert inbound.status == "ignored"
    assert ticket.messages.filter(from_staff=False).count() == 1


# --- once ----------------------------------------------------------------------------------------------------------

def test_the_same_mail_twice_is_taken_once(owner):
    raw = mail(sender=owner.email, message_id="<once@dealer.example>")
    first = take(raw, uid=500)
    assert first is not None and first.status == "opened"
    assert take(raw, uid=500) is None  # the same UID again
    assert take(raw, uid=501) is None  # the same Message-ID under another UID (another mailbox's copy)
    assert take(raw, mailbox="Other", uid=500) is None
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_mail_without_message_id_is_taken_once_by_its_uid(owner):
    raw = mail(sender=owner.email).replace(b"Message-ID:", b"X-Old-Id:")
    assert take(raw, uid=42).status == "opened"
    assert take(raw, uid=42) is None
    assert take(raw, uidvalidity=2, uid=42).status == "opened"  # a new UIDVALIDITY: a new mail for IMAP


# --- the text ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quoted", [
    "Ali <a@b.example>, 5 Oca 2026 Pzt, 10:00 tarihinde şunu yazdı:\n> old",
    "На пн, 5.01.2026 г. в 10:00 ч. Ali <a@b.example> написа:\n> old",
    "Vào Th 2, 5 thg 1, 2026 vào lúc 10:00 Ali <a@b.example> đã viết:\n> old",
    "Ali <a@b.example> 于2026年1月5日周一 10:00写道：\n> old",
    "-----Original Message-----\nFrom: Support\nSent: Monday\nold",
    "From: Support <support@portal.example>\nSent: Monday, 5 January 2026 10:00\nTo: Ali\nSubject: x\n\nold",
    "> old\n> older",
    "-- \nAli Veli\nSales, Dealer Ltd",
    "Sent from my iPhone",
])
def test_quoted_history_and_signatures_are_cut(owner, quoted):
    inbound = take(mail(sender=owner.email, body=f"New text here.\n\n{quoted}\n"))
    message = inbound.message
    assert message.body == "New text here."
    assert "old" in message.full_body or quoted.splitlines()[-1] in message.full_body


def test_a_mail_that_is_only_a_quote_keeps_its_text(owner):
    inbound = take(mail(sender=owner.email, body="> just this\n"))
    assert inbound.message.body == "> just this"


def test_html_mail_is_sanitised_into_text(owner):
    html = ("<html><head><title>T</title><style>p{color:red}</style></head><body><p>Panel <b>broken</b></p>"
            "<script>alert(1)</script><div>Second&nbsp;line &amp; more</div><img src=x onerror=alert(2)></body></html>")
    inbound = take(mail(sender=owner.email, body=None, html=html))
    body = inbound.message.body
    assert "Panel broken" in body and "Second\xa0line & more" in body.replace(" line", "\xa0line")
    assert "<" not in body and "alert" not in body and "color" not in body


def test_a_very_long_mail_is_shortened_with_a_marker(owner):
    inbound = take(mail(sender=owner.email, body="x" * 30000))
    message = inbound.message
    assert len(message.body) <= 20000 and "shortened" in message.body
    assert len(message.full_body) >= 30000


def test_garbage_never_crashes(db, owner):
    samples = [
        b"",
        b"\x00\x01\x02\xff\xfe garbage",
        b"From: \x00\xff<>\r\nSubject: =?bogus?Q?x?=\r\n\r\n\x00",
        b"From: " + owner.email.encode() + b"\r\nSubject: " + b"A" * 100000 + b"\r\nContent-Type: text/plain; "
        b"charset=no-such-charset\r\n\r\nHello \x00 \xff\xfe",
        b"From: " + owner.email.encode() + b"\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64\r\n--x--",
        b"From: =?utf-8?b?AAAA?= <" + owner.email.encode() + b">\r\nSubject: =?utf-8?b?w7w=?= \r\n\r\nok",
    ]
    for raw in samples:
        inbound = take(raw)
        assert inbound.status in ("quarantined", "opened", "ignored"), inbound.reason
        assert inbound.raw.name
        inbound.raw.open("rb")
        assert inbound.raw.read() == raw
        inbound.raw.close()
    assert take(b"\x00\xff").status == "quarantined"


# --- files ---------------------------------------------------------------------------------------------------------

def test_attachments_are_checked_and_a_refused_one_goes_to_the_files_quarantine(owner):
    from catalog.testing import png_bytes

    raw = mail(sender=owner.email, body="See the photos.", attachments=[
        ("photo.png", png_bytes((20, 20)), "image/png"),
        ("invoice.pdf", pdf_upload().read(), "application/pdf"),
        ("evil.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ])
    inbound = take(raw)
    assert inbound.status == "opened"
    message = inbound.message
    assert sorted(Attachment.objects.filter(message=message).values_list("content_type", flat=True)) == [
        "application/pdf", "image/png"]
    assert Quarantine.objects.get().filename == "evil.pdf"
    assert "evil.pdf" in message.body and message.body.startswith("See the photos.")


def test_an_inline_image_counts_as_an_attachment(owner):
    from catalog.testing import png_bytes

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = owner.email, "s@x.example", "Pic", "<pic@d.example>"
    msg.set_content("Look")
    msg.add_alternative("<p>Look <img src='cid:p1'></p>", subtype="html")
    msg.get_payload()[1].add_related(png_bytes((10, 10)), maintype="image", subtype="png", cid="<p1>")
    inbound = take(bytes(msg))
    assert inbound.message.body == "Look" and inbound.message.attachments.count() == 1


# --- statuses and clocks -------------------------------------------------------------------------------------------

def test_a_reply_to_a_resolved_ticket_reopens_it_and_to_a_closed_one_opens_a_linked_ticket(
        owner, ticket, support_agent):
    staff_answer(support_agent, ticket, then="resolved")
    inbound = take(mail(sender=owner.email, to=reply_address(ticket), body="Not fixed."))
    ticket.refresh_from_db()
    assert inbound.status == "threaded" and ticket.status == "open"
    desk.move(actor=support_agent, ticket=ticket, to="closed")
    inbound = take(mail(sender=owner.email, to=reply_address(ticket), body="Again broken."))
    assert inbound.status == "opened" and inbound.ticket != ticket and inbound.ticket.follows == ticket
    assert inbound.ticket.source == TicketSource.MAIL


def test_a_dealers_answer_to_a_ticket_waiting_on_it_resumes_the_sla_with_the_pause_credited(
        owner, ticket, support_agent):
    office_hours(opens=datetime.time(0), closes=datetime.time(23, 59), weekdays=range(7))
    answer = staff_answer(support_agent, ticket, then="waiting_on_dealer")
    Ticket.objects.filter(pk=ticket.pk).update(paused_at=timezone.now() - datetime.timedelta(hours=5))
    ticket.refresh_from_db()
    due_before = ticket.resolution_due
    inbound = take(mail(sender=owner.email, body="Here is the photo.", headers={"In-Reply-To": answer.message_id}))
    ticket.refresh_from_db()
    assert inbound.status == "threaded" and ticket.status == "open" and ticket.paused_at is None
    assert ticket.paused_seconds >= 4 * 3600 and ticket.resolution_due > due_before


# --- through a real IMAP server (dovecot) and the poller ---------------------------------------------------------

@pytest.fixture
def support_mailbox(imap_server, settings):
    user, _password = imap_server.add_mailbox()
    name = f"intake-{user.split('@')[0]}"
    settings.SUPPORT_MAILBOXES = [imap_server.mailbox_url(user, name=name)]
    return user, name


def test_polled_mail_lands_on_its_ticket_in_quarantine_or_is_ignored(imap_server, support_mailbox, owner, ticket,
                                                                        support_agent):
    from support.services import mail_poll

    user, name = support_mailbox
    answer = staff_answer(support_agent, ticket, then="waiting_on_dealer")
    imap_server.deliver_many(user, [
        mail(sender=owner.email, to=user, subject="Re: Panels flicker", body="Photo attached soon.\n\n> Did you try",
             headers={"In-Reply-To": answer.message_id}),
        mail(sender="stranger@elsewhere.example", to=user, subject="Offer", body="Cheap panels!"),
        mail(sender=owner.email, to=user, subject="Out of office", body="I am away.",
             headers={"Auto-Submitted": "auto-replied"}),
        mail(sender=f"Support <{user}>", to=user, subject="Loop", body="Our own mailbox writing to itself."),
    ])
    outcome = mail_poll.poll_all()
    assert outcome[name] == {"taken": 4}
    rows = list(InboundMessage.objects.filter(mailbox=name).order_by("uid"))
    assert [r.status for r in rows] == ["threaded", "quarantined", "ignored", "ignored"]
    assert rows[0].ticket == ticket and rows[0].message.body == "Photo attached soon."
    assert rows[1].sender == "stranger@elsewhere.example" and rows[1].ticket is None
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.messages.filter(from_staff=False).count() == 2
    # Polling again takes nothing twice.
    assert mail_poll.poll_all()[name] == {"taken": 0}
    assert InboundMessage.objects.filter(mailbox=name).count() == 4

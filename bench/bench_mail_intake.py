"""Mail in (issue 16): messages per second from an IMAP mailbox into tickets through `mail_poll.poll_all()`, the
code beat runs, against a real IMAP server (dovecot, started by the bench on a spare loopback port; needs root and
dovecot-imapd, as the tests do).

1,000 mails are APPENDed to one mailbox: 900 new questions from users of 50 dealers (each opens a ticket) and 100
replies (In-Reply-To) to tickets opened by an earlier, unmeasured poll. Polled in batches of SUPPORT_MAIL_BATCH (50,
as in production) until all are taken; the figures are messages per second, the time per poll run and what became of
the mails (opened, threaded: each exactly once). `BENCH_MAIL_MESSAGES=200 make bench BENCH=mail_intake` for a short
run."""
import os
import random
import time
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

from harness import django, emit, setup_database

MESSAGES = int(os.environ.get("BENCH_MAIL_MESSAGES", "1000"))
REPLY_SHARE = 0.10
DEALERS = 50


def dealer_users():
    from dealers.models import Dealer, User

    users = list(User.objects.filter(email__startswith="bench-mail-").order_by("pk")[:DEALERS])
    for i in range(len(users), DEALERS):
        dealer = Dealer.objects.filter(tax_number=f"77{i:08d}").first() or Dealer.objects.create(
            tax_number=f"77{i:08d}", legal_name=f"Posta Bayi {i} Ltd. Şti.", tax_office="Merkez",
            sector="electrical", employees="10-49", annual_revenue="5-25m", phone="1",
            email=f"posta{i}@example.com", address_line="x", city="İzmir", status=Dealer.Status.APPROVED,
            code=f"PM{i:04d}")
        users.append(User.objects.create_user(f"bench-mail-{i}@example.com", "bench-pass-2026", dealer=dealer,
                                              role="owner", first_name="Ayşe", last_name=f"Posta {i}"))
    return users


def mail(sender, subject, body, *, reply_to_id=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "destek@example.com"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="bayi.example")
    if reply_to_id:
        message["In-Reply-To"] = reply_to_id
        message["References"] = reply_to_id
    message.set_content(body)
    return message, message.as_bytes()


def poll_until(name, expected, poll_all):
    """Poll until the mailbox's state has passed `expected` UIDs; (seconds, runs)."""
    from support.models import MailboxState

    started, runs = time.perf_counter(), 0
    while True:
        outcome = poll_all()
        runs += 1
        if "error" in outcome.get(name, {}):
            raise SystemExit(f"polling {name} failed: {outcome[name]['error']}")
        if MailboxState.objects.get(name=name).last_uid >= expected:
            return time.perf_counter() - started, runs


def main():
    setup_database()
    django()
    from django.conf import settings

    from portal.imap_testing import ImapServer
    from support.models import InboundMessage, InboundStatus
    from support.services import mail_poll

    users = dealer_users()
    rng = random.Random(16)
    replies = int(MESSAGES * REPLY_SHARE)
    with ImapServer() as server:
        user, _password = server.add_mailbox()
        name = f"bench-{uuid.uuid4().hex[:8]}"
        settings.SUPPORT_MAILBOXES = [server.mailbox_url(user, name=name, category="order")]

        # Unmeasured: the tickets the replies will answer.
        first = [mail(rng.choice(users).email, f"Sipariş {i} teslim tarihi", "Ne zaman gelir?") for i in range(replies)]
        server.deliver_many(user, [raw for _message, raw in first])
        poll_until(name, replies, mail_poll.poll_all)

        raws = []
        for i in range(MESSAGES - replies):
            raws.append(mail(rng.choice(users).email, f"Ürün sorusu {i}",
                             "Kablo kesiti hangisi olmalı?\n" + "Detay satırı.\n" * rng.randint(1, 40))[1])
        for message, _raw in first:
            raws.append(mail(message["From"], "Re: " + message["Subject"], "Hâlâ bekliyoruz.",
                             reply_to_id=message["Message-ID"])[1])
        rng.shuffle(raws)
        server.deliver_many(user, raws)

        seconds, runs = poll_until(name, replies + MESSAGES, mail_poll.poll_all)

    measured = InboundMessage.objects.filter(mailbox=name, uid__gt=replies)
    opened = measured.filter(status=InboundStatus.OPENED).count()
    threaded = measured.filter(status=InboundStatus.THREADED).count()
    emit(f"mail_intake_{MESSAGES}", {
        "messages": MESSAGES, "replies": replies, "batch": settings.SUPPORT_MAIL_BATCH, "poll_runs": runs,
        "seconds": round(seconds, 2), "messages_per_s": round(MESSAGES / seconds, 1),
        "ms_per_poll_run": round(seconds * 1000 / runs, 1), "opened": opened, "threaded": threaded,
        "other": measured.count() - opened - threaded, "taken_once": measured.count() == MESSAGES})


if __name__ == "__main__":
    main()

"""Mail in (issue 16): the IMAP poller against a real IMAP server (dovecot, the `imap_server` fixture), with mail
intake's real `take`: each mail is taken once (redelivered, two pollers at once, a poller killed mid-batch, a folder
recreated), a broken mailbox is reported and never stops the next, and beat's task polls through a real worker."""
import socket
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from portal.testing import run_together, wait_until
from support.models import InboundMessage, InboundStatus, MailboxState, Ticket, TicketCategory
from support.services import mail_poll


def mail(sender, subject="Pallet arrived broken", body="Two boxes were crushed.", *, message_id=None, size=0,
         **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="dealer.example")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body + ("\n" + "x" * 70) * (size // 71))
    return message.as_bytes()


@pytest.fixture
def mailbox(imap_server, settings):
    """A fresh mailbox user on the IMAP server, configured as the one support mailbox (category delivery)."""
    user, password = imap_server.add_mailbox()
    name = f"support-{user.split('@')[0]}"
    settings.SUPPORT_MAILBOXES = [imap_server.mailbox_url(user, name=name, category="delivery")]
    return {"user": user, "password": password, "name": name}


def inbound_of(name):
    return InboundMessage.objects.filter(mailbox=name).order_by("uid")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- configuration -------------------------------------------------------------------------------------------------

def test_a_mailbox_url_is_read_with_its_quoted_password_tls_name_and_category():
    box = mail_poll.parse_mailbox("imaps://help%40acme.example:p%40ss%3Aw%2Frd@mail.acme.example/Support%20In"
                                  "?category=invoice")
    assert (box.user, box.password, box.host, box.port, box.folder) == (
        "help@acme.example", "p@ss:w/rd", "mail.acme.example", 993, "Support In")
    assert box.tls and not box.starttls and box.category == "invoice"
    assert box.name == "help@acme.example@mail.acme.example/Support In"
    assert "p@ss" not in repr(box)
    plain = mail_poll.parse_mailbox("imap://u:p@mail.example?starttls=1&name=main")
    assert (plain.port, plain.folder, plain.starttls, plain.tls, plain.name) == (143, "INBOX", True, False, "main")


@pytest.mark.parametrize("url", [
    "pop3://u:p@mail.example/INBOX",                  # not IMAP
    "imap://mail.example/INBOX",                      # no user
    "imap://u:p@mail.example/INBOX?category=cheese",  # no such ticket category
    "imap://u:p@mail.example:99999999/INBOX",         # no such port
    "imaps://u:p@mail.example/INBOX?starttls=1",      # TLS twice
    "imap://u:p@mail.example/INBOX?nmae=x",           # a misspelt parameter
])
def test_a_mailbox_url_that_cannot_be_used_is_refused_without_its_password(url):
    with pytest.raises(mail_poll.BadMailboxURL) as refused:
        mail_poll.parse_mailbox(url)
    assert ":p@" not in str(refused.value)


# --- taking mail -----------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_dealers_mail_opens_a_ticket_once_and_is_marked_seen(imap_server, mailbox, owner):
    imap_server.deliver(mailbox["user"], mail(owner.email, "Pallet 7 arrived broken"))

    assert mail_poll.poll_all() == {mailbox["name"]: {"taken": 1}}

    ticket = Ticket.objects.get(dealer=owner.dealer)
    assert ticket.subject == "Pallet 7 arrived broken" and ticket.category == TicketCategory.DELIVERY
    inbound = inbound_of(mailbox["name"]).get()
    assert inbound.status == InboundStatus.OPENED and inbound.ticket == ticket and inbound.uid == 1
    state = MailboxState.objects.get(name=mailbox["name"])
    assert state.last_uid == 1 and state.taken == 1 and state.last_ok_at and state.failing_since is None
    assert imap_server.status(mailbox["user"])["UNSEEN"] == 0  # marked \Seen for people reading the mailbox

    # The next poll finds nothing new: no second ticket.
    assert mail_poll.poll_all() == {mailbox["name"]: {"taken": 0}}
    assert Ticket.objects.filter(dealer=owner.dealer).count() == 1


@pytest.mark.django_db
def test_a_mail_redelivered_with_the_same_message_id_is_taken_once(imap_server, mailbox, owner):
    raw = mail(owner.email, "Invoice 12 is wrong", message_id="<same-1@dealer.example>")
    imap_server.deliver_many(mailbox["user"], [raw, raw])

    mail_poll.poll_all()
    imap_server.deliver(mailbox["user"], raw)  # once more, later
    mail_poll.poll_all()

    assert Ticket.objects.filter(dealer=owner.dealer).count() == 1
    assert inbound_of(mailbox["name"]).count() == 1
    state = MailboxState.objects.get(name=mailbox["name"])
    assert state.last_uid == 3 and state.taken == 1  # all three UIDs passed, one message taken


@pytest.mark.django_db
def test_a_reply_to_a_ticket_mail_threads_onto_the_ticket(imap_server, mailbox, owner):
    imap_server.deliver(mailbox["user"], mail(owner.email, "Missing carton", message_id="<first@dealer.example>"))
    mail_poll.poll_all()
    ticket = Ticket.objects.get(dealer=owner.dealer)
    imap_server.deliver(mailbox["user"], mail(owner.email, "Re: Missing carton", "Found a second one missing.",
                                              In_Reply_To="<first@dealer.example>",
                                              References="<first@dealer.example>"))
    mail_poll.poll_all()
    assert Ticket.objects.filter(dealer=owner.dealer).count() == 1
    assert inbound_of(mailbox["name"]).last().status == InboundStatus.THREADED
    assert ticket.messages.filter(body__contains="second one missing").exists()


@pytest.mark.django_db
def test_each_poll_takes_at_most_a_batch_in_uid_order(imap_server, mailbox, owner, settings):
    settings.SUPPORT_MAIL_BATCH = 3
    imap_server.deliver_many(mailbox["user"], [mail(owner.email, f"Question {n}") for n in range(7)])
    assert [mail_poll.poll_all()[mailbox["name"]]["taken"] for _ in range(4)] == [3, 3, 1, 0]
    assert list(inbound_of(mailbox["name"]).values_list("subject", flat=True)) == [f"Question {n}" for n in range(7)]


@pytest.mark.django_db
def test_a_mail_too_large_to_fetch_is_quarantined_with_its_size_and_the_next_is_taken(
        imap_server, mailbox, owner, settings):
    settings.SUPPORT_MAIL_MAX_BYTES = 4000
    imap_server.deliver_many(mailbox["user"], [mail(owner.email, "Huge scan", size=20000),
                                               mail(owner.email, "Small question")])
    assert mail_poll.poll_all() == {mailbox["name"]: {"taken": 2}}
    huge, small = inbound_of(mailbox["name"])
    assert huge.status == InboundStatus.QUARANTINED and huge.subject == "Huge scan" and huge.sender == owner.email
    assert "Too large to fetch" in huge.reason and mailbox["name"] in huge.reason and huge.ticket is None
    assert small.status == InboundStatus.OPENED
    assert list(Ticket.objects.filter(dealer=owner.dealer).values_list("subject", flat=True)) == ["Small question"]


@pytest.mark.django_db
def test_a_poller_killed_mid_batch_loses_nothing_and_takes_nothing_twice(imap_server, mailbox, owner, monkeypatch):
    imap_server.deliver_many(mailbox["user"], [mail(owner.email, f"Order question {n}") for n in range(5)])
    real_take = mail_poll.take
    calls = []

    def dies_after_the_third_commit(raw, **kwargs):
        calls.append(kwargs["uid"])
        taken = real_take(raw, **kwargs)
        if len(calls) == 3:
            raise RuntimeError("worker killed")  # after take committed, before the poller recorded the UID
        return taken

    monkeypatch.setattr(mail_poll, "take", dies_after_the_third_commit)
    outcome = mail_poll.poll_all()
    assert "worker killed" in outcome[mailbox["name"]]["error"]
    state = MailboxState.objects.get(name=mailbox["name"])
    assert state.last_uid == 2 and state.failing_since is not None and "worker killed" in state.last_error
    assert imap_server.status(mailbox["user"])["UNSEEN"] == 3

    monkeypatch.setattr(mail_poll, "take", real_take)
    assert mail_poll.poll_all() == {mailbox["name"]: {"taken": 2}}  # the third was taken already: passed over
    subjects = sorted(Ticket.objects.filter(dealer=owner.dealer).values_list("subject", flat=True))
    assert subjects == [f"Order question {n}" for n in range(5)]
    state.refresh_from_db()
    assert state.last_uid == 5 and state.failing_since is None and state.last_error == ""
    assert state.taken == 4  # the killed poller's third mail was taken but never counted: it died first


@pytest.mark.django_db
def test_a_recreated_folder_with_a_new_uidvalidity_is_read_from_its_start_without_doubles(
        imap_server, owner, settings):
    user, _password = imap_server.add_mailbox()
    name = f"recreated-{user.split('@')[0]}"
    settings.SUPPORT_MAILBOXES = [imap_server.mailbox_url(user, folder="Support", name=name)]
    first = mail(owner.email, "First", message_id="<first-uv@dealer.example>")
    imap_server.deliver_many(user, [first, mail(owner.email, "Second")], folder="Support")
    mail_poll.poll_all()
    before = MailboxState.objects.get(name=name)
    assert before.last_uid == 2

    imap_server.recreate(user, "Support")  # empty again, new UIDVALIDITY, UIDs from 1
    imap_server.deliver_many(user, [first, mail(owner.email, "Third")], folder="Support")
    assert mail_poll.poll_all() == {name: {"taken": 1}}

    after = MailboxState.objects.get(name=name)
    assert after.uidvalidity != before.uidvalidity and after.last_uid == 2
    assert sorted(Ticket.objects.filter(dealer=owner.dealer).values_list("subject", flat=True)) == [
        "First", "Second", "Third"]


# --- broken mailboxes and /healthz/ ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_broken_mailbox_is_reported_on_healthz_and_the_next_is_still_polled(
        imap_server, owner, settings, client):
    good, _ = imap_server.add_mailbox()
    refused, _ = imap_server.add_mailbox()
    settings.SUPPORT_MAILBOXES = [
        imap_server.mailbox_url(refused, password="wrong-Secret-1", name="wrong-password"),
        f"imap://someone:closed-Secret-2@127.0.0.1:{closed_port()}/INBOX?name=closed-port",
        imap_server.mailbox_url(refused, folder="Nowhere", name="missing-folder"),
        "imap://someone@127.0.0.1/INBOX?name=no-password",
        imap_server.mailbox_url(good, name="good"),
    ]
    imap_server.deliver(good, mail(owner.email, "Still arrives"))

    outcome = mail_poll.poll_all()

    assert outcome["good"] == {"taken": 1} and Ticket.objects.filter(subject="Still arrives").exists()
    assert "AUTHENTICATIONFAILED" in outcome["wrong-password"]["error"] or "IMAP" in outcome["wrong-password"]["error"]
    assert "refused" in outcome["closed-port"]["error"]
    assert "Nowhere" in outcome["missing-folder"]["error"]
    assert "no user or password" in outcome["SUPPORT_MAILBOXES #4"]["error"]
    failing = {state.name: state for state in MailboxState.objects.exclude(failing_since=None)}
    assert set(failing) == {"wrong-password", "closed-port", "missing-folder", "SUPPORT_MAILBOXES #4"}
    assert not any("Secret" in state.last_error for state in failing.values())  # never the password

    response = client.get("/healthz/")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    report = {entry["name"]: entry for entry in body["checks"]["mail_intake"]["mailboxes"]}
    assert body["checks"]["mail_intake"]["status"] == "failing"
    assert report["good"]["status"] == "ok" and report["good"]["taken"] == 1
    assert report["closed-port"]["status"] == "failing" and report["closed-port"]["failing_since"]
    assert "Secret" not in response.content.decode()

    # Mended (the password corrected): the next poll clears the failure, and /healthz/ is whole again.
    settings.SUPPORT_MAILBOXES = [imap_server.mailbox_url(refused, name="wrong-password"),
                                  imap_server.mailbox_url(good, name="good")]
    mail_poll.poll_all()
    state = MailboxState.objects.get(name="wrong-password")
    assert state.failing_since is None and state.last_error == "" and state.last_ok_at
    assert client.get("/healthz/").json()["checks"]["mail_intake"]["status"] == "ok"


@pytest.mark.django_db
def test_staff_read_each_mailboxs_state_in_the_admin_and_cannot_change_it(admin_client, settings):
    settings.SUPPORT_MAILBOXES = ["imap://u:Secret-3@127.0.0.1:1/INBOX?name=unreachable"]
    mail_poll.poll_all()
    page = admin_client.get("/admin/support/mailboxstate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "unreachable" in html and "connection refused" in html and "Secret-3" not in html
    assert "/admin/support/mailboxstate/add/" not in html
    state = MailboxState.objects.get(name="unreachable")
    change = admin_client.post(f"/admin/support/mailboxstate/{state.pk}/change/", {"last_uid": 99, "name": "x"})
    assert change.status_code == 403
    assert MailboxState.objects.get(pk=state.pk).last_uid == 0


@pytest.mark.django_db
def test_healthz_says_a_mailbox_not_polled_yet_and_is_ok_without_mailboxes(client, settings):
    settings.SUPPORT_MAILBOXES = []
    assert client.get("/healthz/").json()["checks"]["mail_intake"] == {"status": "ok", "mailboxes": []}
    settings.SUPPORT_MAILBOXES = ["imap://u:p@mail.example/INBOX?name=fresh"]
    check = client.get("/healthz/").json()["checks"]["mail_intake"]
    assert check == {"status": "ok", "mailboxes": [{"name": "fresh", "status": "not polled yet"}]}


# --- two pollers, the beat task -----------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_lock", [True, False], ids=["advisory-lock", "take-alone"])
def test_two_pollers_at_once_take_each_of_20_mails_exactly_once(imap_server, mailbox, owner, monkeypatch, with_lock):
    if not with_lock:  # the lock only saves work: take's own uniqueness keeps each mail once
        monkeypatch.setattr(mail_poll, "_try_lock", lambda box: True)
        monkeypatch.setattr(mail_poll, "_unlock", lambda box: None)
    imap_server.deliver_many(mailbox["user"], [mail(owner.email, f"Claim {n}") for n in range(20)])

    outcomes = run_together([mail_poll.poll_all, mail_poll.poll_all])

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    taken = [outcome[mailbox["name"]].get("taken", 0) for outcome in outcomes]
    assert sum(taken) == 20
    if with_lock:
        assert sorted(taken) == [0, 20] or {"skipped": "locked"} in [o[mailbox["name"]] for o in outcomes]
    subjects = sorted(Ticket.objects.filter(dealer=owner.dealer).values_list("subject", flat=True))
    assert subjects == sorted(f"Claim {n}" for n in range(20))
    assert inbound_of(mailbox["name"]).count() == 20
    state = MailboxState.objects.get(name=mailbox["name"])
    assert state.last_uid == 20 and state.taken == 20


@pytest.mark.django_db(transaction=True)
def test_beat_polls_the_mailboxes_through_a_real_worker(imap_server, owner, start_celery, private_broker, tmp_path):
    user, _password = imap_server.add_mailbox()
    name = f"beat-{user.split('@')[0]}"
    env = {"CELERY_BROKER_URL": private_broker.url, "SUPPORT_MAIL_POLL_EVERY_SECONDS": "1",
           "SUPPORT_MAILBOXES": imap_server.mailbox_url(user, name=name, category="order")}
    worker = start_celery("worker", env)
    beat = start_celery("beat", env, ["--schedule", str(tmp_path / "beat-schedule")])
    imap_server.deliver(user, mail(owner.email, "Where is order 42?"))
    try:
        wait_until(lambda: Ticket.objects.filter(dealer=owner.dealer).exists(), 60, "the beat's poll")
    except TimeoutError:
        print("BEAT", beat.output()[-3000:])
        print("WORKER", worker.output()[-5000:])
        raise
    ticket = Ticket.objects.get(dealer=owner.dealer)
    assert ticket.subject == "Where is order 42?" and ticket.category == TicketCategory.ORDER
    wait_until(lambda: MailboxState.objects.filter(name=name, last_ok_at__isnull=False).exists(), 30, "the state")

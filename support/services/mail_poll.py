"""Mail in (issue 16): beat polls every support mailbox of SUPPORT_MAILBOXES over IMAP and hands each new message to
mail intake (`mail_intake.take`, which threads it onto a ticket, opens one, ignores or quarantines it).

- **Configuration.** One URL per mailbox: `imap://user:password@host:143/INBOX` (plain, or `?starttls=1`) or
  `imaps://user:password@host:993/INBOX` (TLS), user and password URL-quoted; `?name=` (default user@host/folder)
  names it on /healthz/ and in the admin, `?category=` is the TicketCategory of the tickets its mail opens. A URL
  that cannot be read fails that entry only (reported like a mailbox that refuses the log-in).
- **One mailbox at a time.** Each mailbox is worked under a PostgreSQL advisory lock (session level, taken with
  `pg_try_advisory_lock` and released at the end): a second poller at the same moment skips it. Without the lock
  nothing would be taken twice either (`take` is idempotent by (mailbox, UIDVALIDITY, UID) and by Message-ID); the
  lock only saves the work.
- **Where it stands.** `MailboxState` keeps the folder's UIDVALIDITY and the last UID taken under it. A new
  UIDVALIDITY (the folder was recreated, the server moved) starts again from UID 1: Message-IDs already taken are
  not taken again. Each run asks `UID SEARCH UID <last+1>:*` (a server answers the highest UID even when it is below
  last+1: filtered), takes at most SUPPORT_MAIL_BATCH messages in UID order, fetched with BODY.PEEK[] in groups of a
  bounded size, and after each `take` returned (its transaction committed) advances `last_uid` and then marks the
  message \\Seen. A poller killed between the two loses nothing: the next run starts after the last UID committed,
  and `take` answers a message taken before with the row it made. If `take` raises, the run of that mailbox stops
  there (recorded as its error) and the next run tries that message again.
- **Too large.** A message bigger than SUPPORT_MAIL_MAX_BYTES (by its RFC822.SIZE) is not fetched: only its header
  is, and it is recorded as an inbound message in quarantine with the reason (its size), for staff to fetch from
  the mailbox by hand. It counts as taken.
- **Failures.** Every mailbox is polled in its own try: a refused log-in, a TLS or DNS error, a timeout
  (SUPPORT_MAIL_TIMEOUT_SECONDS) or a missing folder is recorded on its `MailboxState` (`failing_since`,
  `last_error`, never the password) and the next mailbox is polled. /healthz/ reports each (`health_check`).
"""
from __future__ import annotations

import hashlib
import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import InboundMessage, InboundStatus, MailboxState, TicketCategory, TicketSource

__all__ = ["BadMailboxURL", "Mailbox", "MailboxFailed", "configured_mailboxes", "health_check", "parse_mailbox",
           "poll_all", "poll_mailbox"]

log = logging.getLogger(__name__)

# A fetch asks for at most this many messages, or this many bytes of them, at once.
FETCH_GROUP = 20
FETCH_GROUP_BYTES = 8 * 1024 * 1024
# A mailbox counts as stale on /healthz/ when no poll finished within this many poll intervals.
STALE_INTERVALS = 5
ERROR_LENGTH = 300
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


class BadMailboxURL(ValueError):
    """A SUPPORT_MAILBOXES entry that cannot be read (its text never holds the password)."""


class MailboxFailed(Exception):
    """The server refused something (log-in, folder, search, fetch): the mailbox's run stops, its error is kept."""


@dataclass(frozen=True)
class Mailbox:
    name: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    tls: bool = False
    starttls: bool = False
    category: str = ""

    @property
    def lock_key(self) -> int:
        """The advisory lock's key: a signed 64-bit hash of the name."""
        digest = hashlib.blake2b(f"support.mailbox:{self.name}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)


def _true(values) -> bool:
    return bool(values) and values[-1].strip().lower() in ("1", "true", "yes", "on")


def parse_mailbox(url: str) -> Mailbox:
    """A Mailbox from one SUPPORT_MAILBOXES entry; BadMailboxURL when it cannot be used."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BadMailboxURL("the URL cannot be read (a port that is not a number?)") from exc
    if parts.scheme not in ("imap", "imaps"):
        raise BadMailboxURL(f"scheme {parts.scheme or '(none)'!r}: only imap:// and imaps:// are known")
    if not parts.hostname:
        raise BadMailboxURL("no host")
    if not parts.username or parts.password is None:
        raise BadMailboxURL(f"no user or password for {parts.hostname}")
    params = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(params) - {"name", "category", "starttls"}
    if unknown:
        raise BadMailboxURL(f"unknown parameter(s) {', '.join(sorted(unknown))} for {parts.hostname}")
    user = unquote(parts.username)
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    tls = parts.scheme == "imaps"
    starttls = _true(params.get("starttls"))
    if tls and starttls:
        raise BadMailboxURL("imaps:// is TLS already: starttls=1 is for imap://")
    name = (params.get("name") or [""])[-1].strip() or f"{user}@{parts.hostname}/{folder}"
    if len(name) > MailboxState._meta.get_field("name").max_length:
        raise BadMailboxURL(f"the name {name[:40]!r}… is longer than 100 characters")
    category = (params.get("category") or [""])[-1].strip()
    if category and category not in TicketCategory.values:
        raise BadMailboxURL(f"category {category!r} is none of {', '.join(TicketCategory.values)}")
    if any("\x00" in part or "\r" in part or "\n" in part for part in (user, folder, name)):
        raise BadMailboxURL("control characters in the user, folder or name")
    return Mailbox(name=name, host=parts.hostname, port=port or (993 if tls else 143), user=user,
                   password=unquote(parts.password), folder=folder, tls=tls, starttls=starttls, category=category)


def configured_mailboxes() -> list[Mailbox | tuple[str, str]]:
    """Every SUPPORT_MAILBOXES entry: a Mailbox, or (a name for it, why it cannot be used)."""
    found, names = [], set()
    for index, url in enumerate(settings.SUPPORT_MAILBOXES, start=1):
        try:
            mailbox = parse_mailbox(url)
        except BadMailboxURL as exc:
            found.append((f"SUPPORT_MAILBOXES #{index}", str(exc)))
            continue
        if mailbox.name in names:
            found.append((f"SUPPORT_MAILBOXES #{index}", f"the name {mailbox.name!r} is used twice"))
            continue
        names.add(mailbox.name)
        found.append(mailbox)
    return found


def take(raw: bytes, *, mailbox: str, uidvalidity: int | None, uid: int | None, category: str = ""):
    """Mail intake's `take` (support/services/mail_intake.py); a name of this module, so a test can wrap it."""
    from .mail_intake import take as take_mail

    return take_mail(raw, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, category=category)


# --- polling -------------------------------------------------------------------------------------------------------

def poll_all() -> dict:
    """Poll every configured mailbox, each on its own: {name: {"taken": n} | {"skipped": "locked"} | {"error": …}}."""
    outcome = {}
    for mailbox in configured_mailboxes():
        if isinstance(mailbox, tuple):
            name, error = mailbox
            _record_failure(name, f"SUPPORT_MAILBOXES: {error}")
            outcome[name] = {"error": error}
            continue
        try:
            outcome[mailbox.name] = poll_mailbox(mailbox)
        except Exception as exc:  # noqa: BLE001 - one mailbox's failure never stops the others
            error = describe_error(exc, mailbox)
            log.warning("Support mailbox %s: %s", mailbox.name, error)
            try:
                _record_failure(mailbox.name, error)
            except Exception:  # noqa: BLE001 - the database itself failed: the next mailbox may still work
                log.exception("Support mailbox %s: its state could not be recorded", mailbox.name)
            outcome[mailbox.name] = {"error": error}
    return outcome


def poll_mailbox(mailbox: Mailbox, *, batch: int | None = None) -> dict:
    """Take up to `batch` (SUPPORT_MAIL_BATCH) new messages of one mailbox, under its advisory lock. Raises on a
    failure (the caller records it)."""
    if not _try_lock(mailbox):
        return {"skipped": "locked"}
    try:
        return _poll_locked(mailbox, batch or settings.SUPPORT_MAIL_BATCH)
    finally:
        _unlock(mailbox)


def _try_lock(mailbox) -> bool:
    # Session level, on the thread's own connection, outside any transaction of ours: held across the takes (each
    # commits on its own) until _unlock, or until the connection closes when the process dies.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [mailbox.lock_key])
        return bool(cursor.fetchone()[0])


def _unlock(mailbox) -> None:
    if connection.connection is None:
        return  # the connection was closed (and the lock with it)
    if connection.needs_rollback or (connection.in_atomic_block and connection.errors_occurred):
        return  # an enclosing transaction failed: no statement works until it ends (a test's, never a task's)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [mailbox.lock_key])
    except Exception:  # noqa: BLE001 - a broken connection: closing it releases the lock
        log.warning("Support mailbox %s: its lock is released by closing the connection", mailbox.name)
        connection.close()


def _poll_locked(mailbox: Mailbox, batch: int) -> dict:
    state, _created = MailboxState.objects.get_or_create(name=mailbox.name)
    imap = _connect(mailbox)
    try:
        typ, data = imap.select(_quoted(mailbox.folder), readonly=False)
        if typ != "OK":
            raise MailboxFailed(f"folder {mailbox.folder!r} cannot be opened: {_text(data)}")
        uidvalidity = _uidvalidity(imap)
        if uidvalidity != state.uidvalidity:
            # A new folder behind the same name: its UIDs start again. Message-IDs already taken stay taken.
            MailboxState.objects.filter(pk=state.pk).update(uidvalidity=uidvalidity, last_uid=0)
            state.refresh_from_db()
        uids = _new_uids(imap, state.last_uid)[:batch]
        taken = 0
        for group in _groups(imap, uids):
            taken += _take_group(imap, mailbox, uidvalidity, group)
    finally:
        _logout(imap)
    now = timezone.now()
    MailboxState.objects.filter(pk=state.pk).update(last_polled_at=now, last_ok_at=now, failing_since=None,
                                                    last_error="")
    return {"taken": taken}


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.SUPPORT_MAIL_TIMEOUT_SECONDS
    if mailbox.tls:
        imap = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(),
                                 timeout=timeout)
    else:
        imap = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    try:
        if mailbox.starttls:
            imap.starttls(ssl_context=ssl.create_default_context())
        imap.login(mailbox.user, mailbox.password)
    except BaseException:
        _logout(imap)
        raise
    return imap


def _logout(imap) -> None:
    try:
        imap.logout()
    except Exception:  # noqa: BLE001,S110 - the connection is gone already; nothing left to close
        pass


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(imap) -> int:
    typ, data = imap.response("UIDVALIDITY")
    try:
        return int(data[-1])
    except (TypeError, ValueError, IndexError) as exc:
        raise MailboxFailed("the server named no UIDVALIDITY for the folder") from exc


def _new_uids(imap, last_uid: int) -> list[int]:
    typ, data = imap.uid("SEARCH", None, f"UID {last_uid + 1}:*")
    if typ != "OK":
        raise MailboxFailed(f"UID SEARCH refused: {_text(data)}")
    uids = sorted({int(word) for word in b" ".join(part for part in data if part).split()})
    return [uid for uid in uids if uid > last_uid]  # "N:*" answers the highest UID even when it is below N


def _groups(imap, uids: list[int]):
    """The UIDs in fetch groups (bounded in count and declared bytes), each as [(uid, size)]."""
    if not uids:
        return
    sizes = _sizes(imap, uids)
    group, group_bytes = [], 0
    for uid in uids:
        size = sizes.get(uid)
        if size is None:
            continue  # expunged meanwhile: nothing to take
        if group and (len(group) >= FETCH_GROUP or group_bytes + size > FETCH_GROUP_BYTES):
            yield group
            group, group_bytes = [], 0
        group.append((uid, size))
        group_bytes += size if size <= settings.SUPPORT_MAIL_MAX_BYTES else 0
    if group:
        yield group


def _sizes(imap, uids) -> dict[int, int]:
    typ, data = imap.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)")
    if typ != "OK":
        raise MailboxFailed(f"FETCH of sizes refused: {_text(data)}")
    sizes = {}
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _fetch(imap, uids, part: str) -> dict[int, bytes]:
    typ, data = imap.uid("FETCH", ",".join(map(str, uids)), f"(UID {part})")
    if typ != "OK":
        raise MailboxFailed(f"FETCH refused: {_text(data)}")
    found = {}
    for index, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        match = _UID.search(item[0])
        if match is None and index + 1 < len(data) and isinstance(data[index + 1], bytes):
            match = _UID.search(data[index + 1])  # a server may name the UID after the literal
        if match:
            found[int(match.group(1))] = item[1]
    return found


def _take_group(imap, mailbox: Mailbox, uidvalidity: int, group) -> int:
    max_bytes = settings.SUPPORT_MAIL_MAX_BYTES
    whole = [uid for uid, size in group if size <= max_bytes]
    raws = _fetch(imap, whole, "BODY.PEEK[]") if whole else {}
    too_large = [uid for uid, size in group if size > max_bytes]
    headers = _fetch(imap, too_large, "BODY.PEEK[HEADER]") if too_large else {}
    sizes = dict(group)
    done, taken = [], 0
    try:
        for uid, _size in group:
            if uid in raws:
                new = take(raws[uid], mailbox=mailbox.name, uidvalidity=uidvalidity, uid=uid,
                           category=mailbox.category) is not None
            elif uid in headers:
                new = _quarantine_too_large(headers[uid], mailbox, uidvalidity, uid, sizes[uid])
            else:
                continue  # expunged between the size and the fetch
            # take committed: from now on the next run starts after this UID. A message taken before (None) is
            # passed over, not counted.
            MailboxState.objects.filter(name=mailbox.name).update(last_uid=Greatest(F("last_uid"), uid),
                                                                  taken=F("taken") + int(new))
            done.append(uid)
            taken += int(new)
    finally:
        if done:
            try:
                imap.uid("STORE", ",".join(map(str, done)), "+FLAGS.SILENT", r"(\Seen)")
            except Exception:  # noqa: BLE001 - only a flag for people reading the mailbox; the UIDs are recorded
                log.warning("Support mailbox %s: messages taken but not marked seen", mailbox.name, exc_info=True)
    return taken


def _quarantine_too_large(header: bytes, mailbox: Mailbox, uidvalidity: int, uid: int, size: int) -> bool:
    """A message too large to fetch: its header only (read by mail intake's parser, so its Message-ID is the one
    `take` would store), in quarantine with its size as the reason; once per UID and per Message-ID."""
    from .mail_intake import parse

    mail = parse(header)
    reason = _("Too large to fetch (%(size)s MB, at most %(max)s MB): read it in the mailbox %(mailbox)s.") % {
        "size": round(size / 1024 / 1024, 1), "max": round(settings.SUPPORT_MAIL_MAX_BYTES / 1024 / 1024, 1),
        "mailbox": mailbox.name}
    try:
        with transaction.atomic():
            InboundMessage.objects.create(
                channel=TicketSource.MAIL, mailbox=mailbox.name, uidvalidity=uidvalidity, uid=uid,
                external_id=mail.message_id, sender=mail.sender[:255], sender_name=mail.sender_name[:255],
                subject=mail.subject[:255], text="", status=InboundStatus.QUARANTINED, reason=reason[:300])
    except IntegrityError:
        return False  # this UID or this Message-ID was taken before (or right now by another poller)
    return True


# --- state and errors ----------------------------------------------------------------------------------------------

def _text(data) -> str:
    parts = data if isinstance(data, (list, tuple)) else [data]
    return " ".join(part.decode(errors="replace") if isinstance(part, bytes) else str(part) for part in parts
                    if part is not None)


def describe_error(exc: BaseException, mailbox: Mailbox | None = None) -> str:
    """A short line for staff: what failed, never the password."""
    if isinstance(exc, socket.gaierror):
        text = f"host {mailbox.host if mailbox else ''} not found ({exc.strerror or exc})"
    elif isinstance(exc, (TimeoutError, socket.timeout)):
        text = "no answer in time"
    elif isinstance(exc, ConnectionRefusedError):
        text = f"connection refused by {mailbox.host}:{mailbox.port}" if mailbox else "connection refused"
    elif isinstance(exc, ssl.SSLError):
        text = f"TLS: {exc.reason or exc}"
    elif isinstance(exc, imaplib.IMAP4.error):
        text = f"IMAP: {_text(exc.args[0]) if exc.args else type(exc).__name__}"
    elif isinstance(exc, MailboxFailed):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    if mailbox and mailbox.password:
        from urllib.parse import quote

        for secret in {mailbox.password, quote(mailbox.password, safe="")}:
            text = text.replace(secret, "***")
    return text.replace("\x00", "")[:ERROR_LENGTH]


def _record_failure(name: str, error: str) -> None:
    now = timezone.now()
    state, _created = MailboxState.objects.get_or_create(name=name[:100])
    MailboxState.objects.filter(pk=state.pk).update(last_polled_at=now, last_error=error[:ERROR_LENGTH])
    MailboxState.objects.filter(pk=state.pk, failing_since__isnull=True).update(failing_since=now)


# --- health ---------------------------------------------------------------------------------------------------------

def health_check(database_ok: bool = True) -> tuple[str, dict]:
    """/healthz/'s `mail_intake`: each configured mailbox's state. A failing or stale one makes it "failing" (the
    report "degraded"); none configured is "ok"."""
    if not database_ok:
        return "mail_intake", {"status": "unknown"}
    configured = configured_mailboxes()
    names = [entry[0] if isinstance(entry, tuple) else entry.name for entry in configured]
    try:
        states = {state.name: state for state in MailboxState.objects.filter(name__in=names)}
    except Exception as exc:  # noqa: BLE001
        return "mail_intake", {"status": "unknown", "error": type(exc).__name__}
    now = timezone.now()
    stale_after = timedelta(seconds=max(STALE_INTERVALS * settings.SUPPORT_MAIL_POLL_EVERY_SECONDS, 300))
    mailboxes = []
    for name in names:
        state = states.get(name)
        if state is None or state.last_polled_at is None:
            entry = {"name": name, "status": "not polled yet"}
        else:
            if state.failing_since:
                status = "failing"
            elif state.last_polled_at < now - stale_after:
                status = "stale"
            else:
                status = "ok"
            entry = {"name": name, "status": status, "last_polled_at": state.last_polled_at.isoformat(),
                     "last_ok_at": state.last_ok_at.isoformat() if state.last_ok_at else None,
                     "failing_since": state.failing_since.isoformat() if state.failing_since else None,
                     "last_error": state.last_error, "taken": state.taken}
        mailboxes.append(entry)
    bad = any(entry["status"] in ("failing", "stale") for entry in mailboxes)
    return "mail_intake", {"status": "failing" if bad else "ok", "mailboxes": mailboxes}

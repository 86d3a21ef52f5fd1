"""A real IMAP server for the tests and the mail benchmark: Debian's dovecot (package dovecot-imapd) started from a
config written into a temporary directory, on a spare loopback port, with plain-text log-ins of mailbox users kept
in a passwd-file (dovecot re-reads it, so a user added while it runs can log in at once).

Used by the `imap_server` fixture (portal/testing.py) and bench/bench_mail_intake.py. Needs root (dovecot's master
process drops to the `dovecot` user for the mail, which must own the mail directory).
"""
import imaplib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

CONFIG = """\
first_valid_uid = 1
first_valid_gid = 1
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
default_internal_group = dovecot
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
mail_location = maildir:{root}/mail/%u
"""

_serial = itertools.count(1)


def dovecot_binary() -> str:
    exe = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(exe):
        raise RuntimeError("dovecot is missing: apt-get install dovecot-imapd (make system-deps does it)")
    return exe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"Timed out after {timeout}s waiting for {what}")


class ImapServer:
    """One dovecot instance. `add_mailbox` makes a user, `deliver` appends a raw message to one of its folders,
    `mailbox_url` is the SUPPORT_MAILBOXES entry that polls it."""

    host = "127.0.0.1"
    pool_size = 200  # users written before dovecot starts: add_mailbox() hands them out without waiting

    def __init__(self, root=None, port=None):
        # Not under pytest's tmp dirs: those are 0700 root, and dovecot's mail processes run as `dovecot`.
        self.root = Path(root or tempfile.mkdtemp(prefix="imap-"))
        self.port = port or _free_port()
        self.config = self.root / "dovecot.conf"
        self.users = self.root / "users"
        self.passwords: dict[str, str] = {}
        self._pool: list[tuple[str, str]] = []

    # --- life -----------------------------------------------------------------------------------------------------

    def start(self):
        exe = dovecot_binary()
        os.chmod(self.root, 0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        shutil.chown(self.root / "mail", "dovecot", "dovecot")
        self.users.touch()
        os.chmod(self.users, 0o644)
        self._pool = [(f"box{next(_serial)}-{uuid.uuid4().hex[:8]}@example.com", uuid.uuid4().hex)
                      for _ in range(self.pool_size)]
        self._write_users(self._pool)
        self.config.write_text(CONFIG.format(root=self.root, port=self.port))
        # The daemon keeps stdout/stderr: no pipes, or run() would wait for it to exit.
        subprocess.run([exe, "-c", str(self.config)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _port_open(self.port), 20, f"dovecot on port {self.port} (log: {self.root}/dovecot.log)")
        return self

    def stop(self):
        subprocess.run([dovecot_binary(), "-c", str(self.config), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: not _port_open(self.port), 20, "dovecot to stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- mailboxes ------------------------------------------------------------------------------------------------

    def _write_users(self, pairs) -> None:
        with open(self.users, "a") as users:
            users.writelines(f"{user}:{{PLAIN}}{password}\n" for user, password in pairs)
        self.passwords.update(pairs)

    def add_mailbox(self, user=None, password=None) -> tuple[str, str]:
        """A mailbox user that can log in at once: a fresh unique one when `user` is not given (from users written
        at start), else `user` added to the passwd-file, waiting until dovecot read it again (it looks at the file
        at most once a second)."""
        if user is None and password is None and self._pool:
            return self._pool.pop(0)
        user = user or f"box{next(_serial)}-{uuid.uuid4().hex[:8]}@example.com"
        password = password or uuid.uuid4().hex
        self._write_users([(user, password)])

        def can_log_in():
            try:
                self.connect(user).logout()
            except imaplib.IMAP4.error:
                return False
            return True

        _wait(can_log_in, 10, f"dovecot to know {user}")
        return user, password

    def connect(self, user) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=20)
        imap.login(user, self.passwords[user])
        return imap

    def deliver(self, user, raw: bytes, folder="INBOX", flags="") -> None:
        """APPEND one raw message to the user's folder (made when missing)."""
        self.deliver_many(user, [raw], folder, flags)

    def deliver_many(self, user, raws, folder="INBOX", flags="") -> None:
        imap = self.connect(user)
        try:
            if folder.upper() != "INBOX":
                imap.create(folder)  # "already exists" is fine
            for raw in raws:
                typ, data = imap.append(folder, flags or None, None, raw)
                if typ != "OK":
                    raise RuntimeError(f"APPEND to {user}/{folder} refused: {data!r}")
        finally:
            imap.logout()

    def clear(self, user, folder="INBOX") -> None:
        """Expunge every message of the user's folder."""
        imap = self.connect(user)
        try:
            imap.select(folder)
            typ, data = imap.uid("SEARCH", None, "ALL")
            if data and data[0]:
                imap.uid("STORE", b",".join(data[0].split()).decode(), "+FLAGS.SILENT", r"(\Deleted)")
                imap.expunge()
        finally:
            imap.logout()

    def recreate(self, user, folder) -> None:
        """Delete and create the folder again: it is empty and has a new UIDVALIDITY (not for INBOX)."""
        imap = self.connect(user)
        try:
            imap.delete(folder)
            imap.create(folder)
        finally:
            imap.logout()

    def status(self, user, folder="INBOX") -> dict:
        """UIDVALIDITY, MESSAGES and UNSEEN of a folder."""
        imap = self.connect(user)
        try:
            typ, data = imap.status(folder, "(UIDVALIDITY MESSAGES UNSEEN)")
        finally:
            imap.logout()
        words = data[0].decode().split("(", 1)[1].rstrip(")").split()
        return {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}

    def mailbox_url(self, user, password=None, folder="INBOX", **params) -> str:
        """The SUPPORT_MAILBOXES entry for this mailbox (`name=`, `category=`... as URL parameters)."""
        password = self.passwords.get(user, "") if password is None else password
        url = f"imap://{quote(user, safe='')}:{quote(password, safe='')}@{self.host}:{self.port}/{quote(folder)}"
        return url + (f"?{urlencode(params)}" if params else "")

"""A file-based mail backend that takes its time (for tests that kill a worker mid-send): it leaves a marker file
`sending-<pid>-<n>` in SLOW_MAIL_MARKERS while it waits SLOW_MAIL_SECONDS, then writes the mail like Django's."""
import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        markers = Path(os.environ["SLOW_MAIL_MARKERS"])
        marker = markers / f"sending-{os.getpid()}-{time.monotonic_ns()}"
        marker.write_text(",".join(address for message in email_messages for address in message.to))
        try:
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "2")))
            return super().send_messages(email_messages)
        finally:
            marker.unlink(missing_ok=True)

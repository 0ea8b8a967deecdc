"""A file email backend that takes its time (SLOW_MAIL_SECONDS) and says when it
starts (a file in SLOW_MAIL_MARKERS): for killing a worker in the middle of a send.
Used only by tests/production/worker_settings.py."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend


class EmailBackend(FileEmailBackend):
    def send_messages(self, email_messages):
        markers = Path(os.environ["SLOW_MAIL_MARKERS"])
        markers.mkdir(parents=True, exist_ok=True)
        (markers / f"sending-{os.getpid()}").touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        return super().send_messages(email_messages)

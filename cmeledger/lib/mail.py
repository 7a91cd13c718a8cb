"""The e-mail backend used when no SMTP server is configured (development, demos).

Django's console backend prints every message whole; the reminders queued when the app
starts then bury the address it serves on. This one saves each message to a file under
EMAIL_FILE_PATH and logs a single line naming the recipients, the subject and the file.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend

log = logging.getLogger("cmeledger.mail")


class DevelopmentBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        for message in email_messages if sent else ():
            log.info(
                "E-mail to %s: %s (saved in %s)",
                ", ".join(message.recipients()),
                message.subject,
                getattr(self, "_fname", self.file_path),  # the file this connection wrote
            )
        return sent

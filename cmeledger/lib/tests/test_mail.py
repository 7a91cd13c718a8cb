"""The development e-mail backend: each message saved whole, one line in the log."""

from __future__ import annotations

import logging

from django.core.mail import send_mail


def test_an_e_mail_is_saved_to_a_file_and_logged_in_one_line(settings, tmp_path, caplog):
    settings.EMAIL_BACKEND = "cmeledger.lib.mail.DevelopmentBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    body = "Line one of a long reminder.\n" * 40
    with caplog.at_level(logging.INFO, logger="cmeledger.mail"):
        sent = send_mail("Your deadline is near", body, "a@example.org", ["dr@example.org"])

    assert sent == 1
    [saved] = list(tmp_path.iterdir())
    assert body.splitlines()[0] in saved.read_text()
    [line] = caplog.messages
    assert line == f"E-mail to dr@example.org: Your deadline is near (saved in {saved})"


def test_the_folder_for_e_mails_is_created_when_missing(settings, tmp_path):
    settings.EMAIL_BACKEND = "cmeledger.lib.mail.DevelopmentBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail" / "new")
    assert send_mail("Hello", "Body", "a@example.org", ["b@example.org"]) == 1
    assert len(list((tmp_path / "mail" / "new").iterdir())) == 1

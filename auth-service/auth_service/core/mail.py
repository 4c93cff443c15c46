"""Outgoing mail: logged in development, sent over SMTP in production.

Mail is sent after the transaction that created its token commits, so a failed commit never
mails a token that does not exist: sign-up's as a background task after its request, the
forgot-password and resend-activation mails by the worker that takes their queue
(``auth.mails.deliver_queued_mails``). A mail that fails to send is logged and can be requested
again.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from auth_service.settings import AuthSettings

logger = logging.getLogger("auth.mail")


class Mailer(Protocol):
    async def send(self, *, to: str, subject: str, body: str) -> None: ...


class ConsoleMailer:
    """Development backend: the message goes to the log, nothing leaves the machine."""

    async def send(self, *, to: str, subject: str, body: str) -> None:
        # The text is in the message too, so plain-text logs (LOG_JSON=false) show the token.
        logger.info(
            "mail (console backend) to %s: %s\n%s", to, subject, body,
            extra={"to": to, "subject": subject, "body": body},
        )  # fmt: skip


class SmtpMailer:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings

    def _send_blocking(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=10) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(message)

    async def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        await asyncio.to_thread(self._send_blocking, message)


def build_mailer(settings: AuthSettings) -> Mailer:
    return SmtpMailer(settings) if settings.mail_backend == "smtp" else ConsoleMailer()


async def send_quietly(mailer: Mailer, *, to: str, subject: str, body: str) -> None:
    try:
        await mailer.send(to=to, subject=subject, body=body)
    except Exception:
        logger.exception("could not send mail", extra={"to": to, "subject": subject})

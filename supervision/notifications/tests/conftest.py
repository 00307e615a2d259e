"""A real SMTP conversation on loopback: a port nobody listens on, and a server to start on it."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


class Recorder:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.refuse: set[str] = set()  # recipients to answer "550 no such mailbox"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[Message]:
        return [email.message_from_bytes(envelope.content) for envelope in self.envelopes]


def unused_port() -> int:
    """A loopback port that nobody is listening on (bound, then let go)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_port(settings) -> int:
    """Send real SMTP to 127.0.0.1 on a port where, for now, no server listens."""
    port = unused_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return port


@pytest.fixture
def start_mail_server(smtp_port):
    """Start an SMTP server on the test's port; it stops at the end of the test."""
    controllers: list[Controller] = []

    def start() -> Recorder:
        recorder = Recorder()
        controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return recorder

    yield start
    for controller in controllers:
        controller.stop()

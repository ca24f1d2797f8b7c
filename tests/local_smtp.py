"""A local SMTP server for tests (aiosmtpd on 127.0.0.1) that keeps every message, envelope and login it sees."""

from __future__ import annotations

import email
import email.policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.ports import free_port


class Inbox:
    """The server's handler (and, given credentials, its authenticator); ``stop()`` simulates an outage."""

    def __init__(self, credentials: tuple[str, str] | None = None):
        self.credentials = credentials
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self.port = free_port()
        auth = {"authenticator": self, "auth_require_tls": False, "auth_exclude_mechanism": ["LOGIN"]}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **(auth if credentials else {}))
        self.running = False

    def start(self) -> Inbox:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"

    def __call__(self, server, session, envelope, mechanism, auth_data):
        user, password = self.credentials
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 235 or 535 itself

"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): records what it receives, can refuse
addresses, speak STARTTLS with a test certificate authority (trustme) and ask for a login."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "wir-versand", "geheim-Ä1"


@dataclass
class Inbox:
    """What the server received; ``refuse`` holds addresses it answers with 550."""

    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        """The received messages, parsed."""
        return [BytesParser(policy=policy.default).parsebytes(raw) for _, _, raw in self.received]  # type: ignore[misc]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@contextmanager
def smtp_server(inbox: Inbox, tls_ca: Path | None = None, implicit_tls: bool = False) -> Iterator[int]:
    """Run a server for the block and yield its port. With ``tls_ca``, the server requires
    STARTTLS and a login (``USER``/``PASSWORD``), or with ``implicit_tls`` speaks TLS from the
    first byte, as on port 465 (aiosmtpd offers no AUTH there); the test authority's certificate is written to ``tls_ca``."""
    kwargs: dict[str, Any] = {}
    if tls_ca is not None:
        authority = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        authority.cert_pem.write_to_path(str(tls_ca))
        kwargs = dict(ssl_context=context) if implicit_tls else \
            dict(tls_context=context, require_starttls=True, auth_required=True, authenticator=_authenticate)
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()

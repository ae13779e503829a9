"""The SMTP connection: STARTTLS, SSL or plain, the login, and the password from outside the campaign."""

from __future__ import annotations

import base64
import contextlib
import os
import smtplib
import ssl
from collections.abc import Iterator

from wir_letters.errors import EnvironmentProblem
from wir_letters.i18n import N_
from wir_letters.inputs.mail_settings import KEYRING_SERVICE, SmtpSettings


class MailServerError(EnvironmentProblem):
    """The SMTP server cannot be reached, secured or logged into; nothing was sent."""


def smtp_password(smtp: SmtpSettings) -> str | None:
    """The password for ``smtp.user``: the environment variable ``smtp.password_env``, else the
    system keyring (service ``wir-letters``, user ``USER@HOST``); None without a user.

    Raises:
        MailServerError: a user is set but neither place holds a password.
    """
    if not smtp.user:
        return None
    password = os.environ.get(smtp.password_env) or _from_keyring(smtp)
    if not password:
        raise MailServerError(N_("no password for the SMTP user {user}: set the environment variable {variable}, "
                                 "or store it with: keyring set {service} {keyring_user}"), code="smtp.no_password",
                              user=smtp.user, variable=smtp.password_env, service=KEYRING_SERVICE,
                              keyring_user=smtp.keyring_user)
    return password


def _from_keyring(smtp: SmtpSettings) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # keyring is a dependency, but a trimmed install may lack it
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, smtp.keyring_user)
    except KeyringError:  # no keyring on this machine (a server without a desktop session)
        return None


@contextlib.contextmanager
def open_connection(smtp: SmtpSettings, password: str | None) -> Iterator[smtplib.SMTP]:
    """A logged-in connection to the server, closed (QUIT) after the block.

    Raises:
        MailServerError: naming the server and what to change.
    """
    client = _connect(smtp)
    try:
        if smtp.user:
            _login(client, smtp, password or "")
        yield client
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            client.quit()


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    server = f"{smtp.host}:{smtp.effective_port}"
    context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
    try:
        if smtp.security == "ssl":
            return smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=smtp.timeout, context=context)
        client = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            client.starttls(context=context)
        return client
    except ssl.SSLCertVerificationError as err:
        raise MailServerError(N_("{server}: its certificate is not trusted ({reason}); give the certificate "
                                 "authority of your mail server as smtp.ca_file"), code="smtp.untrusted_certificate",
                              server=server, reason=err.verify_message) from err
    except smtplib.SMTPNotSupportedError as err:
        raise MailServerError(N_("{server} does not offer STARTTLS; set smtp.security to ssl (port 465) or ask IT "
                                 "which the server wants"), code="smtp.no_starttls", server=server) from err
    except (smtplib.SMTPException, OSError) as err:
        raise MailServerError(N_("cannot connect to the SMTP server {server} ({security}): {reason}; check smtp.host, "
                                 "smtp.port and smtp.security, and that this machine may reach it"),
                              code="smtp.unreachable", server=server, security=smtp.security, reason=str(err)) from err


def _login(client: smtplib.SMTP, smtp: SmtpSettings, password: str) -> None:
    try:
        _authenticate(client, smtp.user or "", password)
    except smtplib.SMTPAuthenticationError as err:
        raise MailServerError(N_("{host} refused the login of {user} ({reply}); check the password in {variable} "
                                 "or the keyring"), code="smtp.login_refused", host=smtp.host, user=smtp.user,
                              reply=err.smtp_code, variable=smtp.password_env) from err
    except smtplib.SMTPException as err:
        raise MailServerError(N_("{host}: cannot log in as {user}: {reason}"), code="smtp.login_failed", host=smtp.host,
                              user=smtp.user, reason=str(err)) from err


def _authenticate(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a user name or password with umlauts goes as UTF-8 with AUTH PLAIN (RFC 4616), which
    smtplib's ``login`` cannot send."""
    if (user + password).isascii():
        client.login(user, password)
        return
    client.ehlo_or_helo_if_needed()
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)

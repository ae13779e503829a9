"""The ``mail:`` and ``smtp:`` sections of campaign.yaml: the cover e-mail and the server it goes through.

The SMTP password is never part of the campaign: it comes from an environment variable
(``smtp.password_env``, default ``WIR_LETTERS_SMTP_PASSWORD``) or the system keyring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wir_letters.i18n import N_
from wir_letters.inputs.values import ValueProblem

PASSWORD_ENV = "WIR_LETTERS_SMTP_PASSWORD"
KEYRING_SERVICE = "wir-letters"  # keyring set wir-letters USER@HOST
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_MAX_ATTACHMENT_MB = 10.0  # the limit of many public-sector mail servers

MESSAGE_OVERHEAD = 16_000  # bytes for headers and the text and HTML bodies, generously


def message_bytes(attachment: int) -> int:
    """About how large an e-mail carrying an attachment of ``attachment`` bytes is: base64 makes 4
    bytes of 3, in lines of 76 plus CR LF, and the headers and bodies come on top."""
    return (attachment + 2) // 3 * 4 * 78 // 76 + MESSAGE_OVERHEAD


_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class MailSettings(BaseModel):
    """``mail:``: subject and body templates (Jinja, the letters' context), sender and attachment rules."""

    model_config = _STRICT
    subject: str = Field(min_length=1)
    body: Path  # a text template, e.g. templates/mail.txt.j2
    html: Path | None = None  # an optional HTML alternative of the body
    sender: str | None = Field(default=None, alias="from")  # default: sender.authority <sender.email>
    reply_to: str | None = None  # default: sender.clerk <sender.clerk_email>
    attachment_name: str | None = None  # a {column} pattern; default: the bundle's file name
    max_attachment_mb: float = Field(default=DEFAULT_MAX_ATTACHMENT_MB, gt=0)

    @property
    def max_attachment_bytes(self) -> int:
        """The largest message that may be sent, in bytes (``message_bytes`` of its attachment)."""
        return int(self.max_attachment_mb * 1_000_000)


class SmtpSettings(BaseModel):
    """``smtp:``: the server, its security, the user, and how fast to send."""

    model_config = _STRICT
    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)  # default by security: 587, 465 or 25
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str | None = None
    password_env: str = PASSWORD_ENV
    rate_per_minute: float = Field(default=30.0, gt=0)  # messages per minute at most
    timeout: float = Field(default=60.0, gt=0)  # seconds to wait for the server
    ca_file: Path | None = None  # a certificate authority of your own (an internal mail server)

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueProblem(N_("never write the password into campaign.yaml; set the environment variable "
                                  "{variable} or store it in the system keyring (keyring set {service} USER@HOST)"),
                               code="smtp.password_in_campaign", variable=data.get("password_env", PASSWORD_ENV),
                               service=KEYRING_SERVICE)
        return data

    @model_validator(mode="after")
    def _no_login_in_clear(self) -> SmtpSettings:
        if self.user and self.security == "none":
            raise ValueProblem(N_("a login (smtp.user) over security: none would send the password unencrypted; "
                                  "use security: starttls or ssl"), code="smtp.login_in_clear")
        return self

    @property
    def effective_port(self) -> int:
        """The port to connect to: ``port``, else the usual one for ``security``."""
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def keyring_user(self) -> str:
        """The user name the password is stored under in the system keyring."""
        return f"{self.user}@{self.host}"


def resolve_mail_paths(data: dict[str, Any], absolute: Any) -> dict[str, Any]:
    """Make ``mail.body``, ``mail.html`` and ``smtp.ca_file`` absolute with ``absolute``."""
    for section, keys in (("mail", ("body", "html")), ("smtp", ("ca_file",))):
        if isinstance(data.get(section), dict):
            data[section] = {k: absolute(v) if k in keys else v for k, v in data[section].items()}
    return data


def missing_mail_files(mail: MailSettings | None, smtp: SmtpSettings | None) -> list[tuple[str, Path]]:
    """The ``(key, path)`` of every file the mail settings name that does not exist."""
    named = [("mail.body", mail.body if mail else None), ("mail.html", mail.html if mail else None),
             ("smtp.ca_file", smtp.ca_file if smtp else None)]
    return [(key, path) for key, path in named if path is not None and not path.is_file()]

"""E-mail: drafts, dry run, a real send to a local SMTP server (aiosmtpd), never twice, resume, STARTTLS.

One real LibreOffice build of a small campaign is shared by the module; each test works on a copy.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import shlex
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import RECIPIENTS, write_campaign
from tests.mailserver import PASSWORD, USER, Inbox, smtp_server
from wir_letters import build, load_campaign

pytestmark = pytest.mark.libreoffice

UNITS = {"landkreis-fulda": "Landkreis Fulda", "kassel": "Stadt Kassel", "fulda": "Stadt Fulda",
         "giessen": "Landkreis Gießen", "offenbach": "Stadt Offenbach am Main"}
EMAILS = {"landkreis-fulda": "buero@landkreis-fulda.example; landraetin@landkreis-fulda.example",
          "kassel": "poststelle@kassel.example", "fulda": "",
          "giessen": "info@lkgi.example", "offenbach": "post@offenbach.example"}
MAIL_BODY = "{{ salutation }}\n\nanbei die Unterlagen für {{ recipient.unit }}:\n" \
            "{% for title in enclosures %}- {{ title }}\n{% endfor %}\nMit freundlichen Grüßen\n{{ sender.clerk }}\n"
MAIL_HTML = "<p>{{ salutation }}</p><p>Unterlagen für {{ recipient.unit }} &amp; Co.</p>"


def _recipients() -> list[dict[str, str]]:
    extra = [{"id": "giessen", "name": "Kreisausschuss des Landkreises Gießen", "kind": "landkreis",
              "street": "Riversplatz 1-9", "postcode": "35394", "city": "Gießen"},
             {"id": "offenbach", "name": "Magistrat der Stadt Offenbach am Main", "kind": "kreisfreie_stadt",
              "street": "Berliner Straße 100", "postcode": "63065", "city": "Offenbach am Main"}]
    return [{**r, "unit": UNITS[r["id"]], "email": EMAILS[r["id"]]} for r in RECIPIENTS + extra]


def _write(folder: Path, port: int = 2525, **smtp: object) -> Path:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "templates" / "mail.txt.j2").write_text(MAIL_BODY, encoding="utf-8")
    (folder / "templates" / "mail.html.j2").write_text(MAIL_HTML, encoding="utf-8")
    sender = {"authority": "Hessisches Ministerium für Soziales und Integration", "street": "Dostojewskistraße 4",
              "email": "poststelle@hsm.example", "clerk": "Pamela Roschanski",
              "clerk_email": "pamela.roschanski@hsm.example"}
    mail = {"subject": "Förderprogramm WIR – Unterlagen für {{ recipient.unit }}", "body": "templates/mail.txt.j2",
            "html": "templates/mail.html.j2", "attachment_name": "WIR 2017 – {unit}.pdf"}
    return write_campaign(folder, _recipients(), sender=sender, mail=mail,
                          smtp={"host": "127.0.0.1", "port": port, "security": "none", "rate_per_minute": 6000,
                                **smtp})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small campaign with e-mail addresses, built once with the real LibreOffice."""
    folder = tmp_path_factory.mktemp("mail-campaign")
    result = build(load_campaign(_write(folder)))
    assert result.ok, [r.error for r in result.failed]
    return folder


@pytest.fixture
def folder(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built campaign (its own sent log)."""
    return Path(shutil.copytree(built, tmp_path / "campaign"))


def _use_port(folder: Path, port: int, **smtp: object) -> Path:
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["smtp"].update(port=port, **smtp)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[return-value]


def _attachment(message: EmailMessage) -> tuple[str, bytes]:
    part = next(message.iter_attachments())
    assert part.get_content_type() == "application/pdf"
    return str(part.get_filename()), part.get_payload(decode=True)


def _log(folder: Path) -> list[dict[str, object]]:
    path = folder / "out" / "_mail" / "sent.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_drafts_are_complete_messages_with_the_bundle_attached(folder: Path, run_cli) -> None:
    """This test ensures that `mail` writes one .eml per addressed recipient that a mail program reads
    back with the right headers (umlauts), both bodies and the bundle's exact bytes under a readable name."""
    done = run_cli("mail", "-c", str(folder / "campaign.yaml"))
    assert done.code == 0, done.err
    assert "4 draft(s) written" in done.out and "without an e-mail address (send by post): fulda" in done.out
    drafts = folder / "out" / "_mail"
    assert sorted(p.name for p in drafts.glob("*.eml")) == ["giessen.eml", "kassel.eml", "landkreis-fulda.eml",
                                                           "offenbach.eml"]
    raw = (drafts / "giessen.eml").read_bytes()
    assert raw.isascii(), "headers with umlauts must be MIME-encoded"
    message = _parse(raw)
    assert message["Subject"] == "Förderprogramm WIR – Unterlagen für Landkreis Gießen"
    assert message["From"].addresses[0].display_name == "Hessisches Ministerium für Soziales und Integration"
    assert message["From"].addresses[0].addr_spec == "poststelle@hsm.example"
    assert message["Reply-To"].addresses[0].addr_spec == "pamela.roschanski@hsm.example"
    assert message["X-Unsent"] == "1" and message["Message-ID"] is None
    text = message.get_body(("plain",)).get_content()
    assert "Sehr geehrte Damen und Herren," in text and "Unterlagen für Landkreis Gießen" in text
    assert "- Anschreiben" in text and "- Aktionsplan II" in text
    assert "&amp; Co." in message.get_body(("html",)).get_content()
    name, data = _attachment(message)
    assert name == "WIR 2017 – Landkreis Gießen.pdf"
    assert data == (folder / "out" / "giessen.pdf").read_bytes()
    to = _parse((drafts / "landkreis-fulda.eml").read_bytes())["To"].addresses
    assert [a.addr_spec for a in to] == ["buero@landkreis-fulda.example", "landraetin@landkreis-fulda.example"]
    run_cli("mail", "-c", str(folder / "campaign.yaml"))
    assert (drafts / "giessen.eml").read_bytes() == raw, "the same draft is the same file"


def test_dry_run_sends_nothing_and_shows_what_it_would_send(folder: Path, run_cli) -> None:
    """This test ensures that `send` without --no-dry-run connects to nothing and writes no record."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        done = run_cli("send", "-c", str(_use_port(folder, port)))
    assert done.code == 0, done.err
    assert "Dry run: nothing is sent. Would send 4 message(s)" in done.out
    assert "giessen -> info@lkgi.example" in done.out and "Add --no-dry-run" in done.out
    assert "no e-mail address (send by post): fulda" in done.out
    assert inbox.received == [] and _log(folder) == []


def test_send_delivers_each_bundle_once_and_a_rerun_sends_nothing(folder: Path, run_cli) -> None:
    """This test ensures that a real send delivers the right message and attachment to each address,
    records it, and that running it again sends nothing."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        campaign = str(_use_port(folder, port))
        done = run_cli("send", "-c", campaign, "--no-dry-run")
        assert done.code == 0, done.err
        assert "4 message(s) sent" in done.out
        again = run_cli("send", "-c", campaign, "--no-dry-run")
    assert again.code == 0 and "already sent, not sent again: 4" in again.out
    assert len(inbox.received) == 4
    envelopes = {tuple(to): sender for sender, to, _ in inbox.received}
    assert envelopes[("buero@landkreis-fulda.example", "landraetin@landkreis-fulda.example")] == \
        "poststelle@hsm.example"
    for message in inbox.messages:
        rid = {"info@lkgi.example": "giessen", "poststelle@kassel.example": "kassel",
               "post@offenbach.example": "offenbach"}.get(message["To"].addresses[0].addr_spec, "landkreis-fulda")
        assert _attachment(message)[1] == (folder / "out" / f"{rid}.pdf").read_bytes()
        assert message["Message-ID"] and message["Date"] and message["X-Unsent"] is None
    records = [r for r in _log(folder) if r["state"] == "sent"]
    assert {r["id"] for r in records} == {"landkreis-fulda", "kassel", "giessen", "offenbach"}
    giessen = next(r for r in records if r["id"] == "giessen")
    assert giessen["bundle_sha256"] == hashlib.sha256((folder / "out" / "giessen.pdf").read_bytes()).hexdigest()
    status = run_cli("status", "-c", campaign)
    assert "giessen: sent" in status.out and "no e-mail address (by post): fulda" in status.out
    assert "e-mail: 4 sent, 1 no e-mail address" in status.out


def test_a_changed_bundle_is_not_sent_again_without_resend_changed(folder: Path, run_cli) -> None:
    """This test ensures that a bundle rebuilt after a contact change is held back, named, and sent
    only with --resend-changed."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        campaign = str(_use_port(folder, port))
        assert run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel").code == 0
        data = yaml.safe_load((folder / "recipients.yaml").read_text(encoding="utf-8"))
        data["recipients"][1]["street"] = "Rathaus, Obere Königsstraße 8"
        (folder / "recipients.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert build(load_campaign(campaign), only=["kassel"]).ok
        assert "kassel: changed since sent" in run_cli("status", "-c", campaign).out
        held = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel")
        assert held.code == 1 and "NOT SENT kassel: changed since sent" in held.err
        assert "--resend-changed" in held.err and len(inbox.received) == 1
        again = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel", "--resend-changed")
    assert again.code == 0, again.err
    assert len(inbox.received) == 2
    assert _attachment(inbox.messages[1])[1] == (folder / "out" / "kassel.pdf").read_bytes()


def test_a_refused_recipient_stops_the_run_with_the_command_to_resume(folder: Path, run_cli) -> None:
    """This test ensures that a refusal at the third message stops the run, says how many went out,
    prints a resume command that works, and never sends the first two again."""
    inbox = Inbox(refuse={"info@lkgi.example"})  # giessen is the third recipient with an address
    with smtp_server(inbox) as port:
        campaign = str(_use_port(folder, port))
        done = run_cli("send", "-c", campaign, "--no-dry-run")
        assert done.code == 1
        assert "Stopped after 2 of 4 message(s): giessen (info@lkgi.example)" in done.err
        assert "550" in done.err and "--skip giessen" in done.err
        resume = done.err.split("Resume with:\n", 1)[1].splitlines()[0].strip()
        assert resume.startswith("wir-letters send -c ") and "--no-dry-run" in resume
        assert len(inbox.received) == 2
        resumed = run_cli(*shlex.split(resume)[1:], "--skip", "giessen")
    assert resumed.code == 0, resumed.err
    assert "already sent, not sent again: 2" in resumed.out
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages][2:] == ["post@offenbach.example"]
    states = [(r["id"], r["state"]) for r in _log(folder)]
    assert ("giessen", "failed") in states and ("giessen", "sent") not in states


def test_a_message_handed_over_without_confirmation_is_not_sent_again(folder: Path, run_cli) -> None:
    """This test ensures that a run killed while the server had a message leaves it 'not confirmed',
    held back until --resend-unconfirmed."""
    inbox = Inbox()
    log = folder / "out" / "_mail" / "sent.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256((folder / "out" / "kassel.pdf").read_bytes()).hexdigest()
    log.write_text(json.dumps({"id": "kassel", "addresses": ["poststelle@kassel.example"], "message_id": "<x@y>",
                               "time": "2026-11-27T10:00:00+00:00", "bundle_sha256": sha,
                               "state": "sending"}) + "\n{\"id\": \"kas", encoding="utf-8")  # cut off by the kill
    with smtp_server(inbox) as port:
        campaign = str(_use_port(folder, port))
        assert "kassel: not confirmed" in run_cli("status", "-c", campaign).out
        held = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel")
        assert held.code == 1 and "NOT SENT kassel: not confirmed" in held.err and inbox.received == []
        again = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel", "--resend-unconfirmed")
    assert again.code == 0 and len(inbox.received) == 1


def test_starttls_with_a_login_from_the_environment(folder: Path, run_cli, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that send speaks STARTTLS with a certificate checked against smtp.ca_file and
    logs in with the password from the environment; without the password or the CA it says what to do."""
    inbox = Inbox()
    ca = tmp_path / "ca.pem"
    monkeypatch.delenv("WIR_LETTERS_SMTP_PASSWORD", raising=False)
    with smtp_server(inbox, tls_ca=ca) as port:
        campaign = str(_use_port(folder, port, security="starttls", user=USER))
        no_password = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel")
        assert no_password.code == 3 and "WIR_LETTERS_SMTP_PASSWORD" in no_password.err
        monkeypatch.setenv("WIR_LETTERS_SMTP_PASSWORD", PASSWORD)
        untrusted = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel")
        assert untrusted.code == 3 and "smtp.ca_file" in untrusted.err
        campaign = str(_use_port(folder, port, ca_file=str(ca)))
        done = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "kassel")
    assert done.code == 0, done.err
    assert len(inbox.received) == 1 and inbox.messages[0]["To"].addresses[0].addr_spec == "poststelle@kassel.example"


def test_implicit_tls_on_the_ssl_port(folder: Path, run_cli, tmp_path: Path) -> None:
    """This test ensures that security: ssl speaks TLS from the first byte (port 465 style), checking
    the server's certificate."""
    inbox = Inbox()
    ca = tmp_path / "ca.pem"
    with smtp_server(inbox, tls_ca=ca, implicit_tls=True) as port:
        campaign = str(_use_port(folder, port, security="ssl", ca_file=str(ca)))
        done = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "offenbach")
    assert done.code == 0, done.err
    assert [to for _, to, _ in inbox.received] == [["post@offenbach.example"]]


def test_send_without_a_server_or_a_mail_section_says_what_to_add(folder: Path, run_cli) -> None:
    """This test ensures that a campaign without smtp: or mail: gets a message naming the missing key,
    and that an unreachable server is exit 3 with the server named, nothing recorded."""
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unreachable = run_cli("send", "-c", str(_use_port(folder, 1)), "--no-dry-run")
    assert unreachable.code == 3 and "cannot connect to the SMTP server 127.0.0.1:1" in unreachable.err
    assert _log(folder) == []
    del data["smtp"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("send", "-c", str(path))
    assert done.code == 1 and "the campaign has no smtp: section" in done.err
    del data["mail"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("mail", "-c", str(path))
    assert done.code == 1 and "the campaign has no mail: section" in done.err


def test_check_names_mail_problems_and_never_echoes_a_password(folder: Path, run_cli) -> None:
    """This test ensures that check refuses a password in campaign.yaml (without printing it), a mail
    template reading an unknown name, a bad address, and attachments over the size limit."""
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["smtp"]["password"] = "streng-geheim"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("check", "-c", str(path))
    assert done.code == 1 and "never write the password" in done.err and "streng-geheim" not in done.err
    del data["smtp"]["password"]
    data["mail"]["max_attachment_mb"] = 0.0001  # 100 bytes: less than the attachment
    (folder / "templates" / "mail.txt.j2").write_text("{{ recipient.landrat }}", encoding="utf-8")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    rows = yaml.safe_load((folder / "recipients.yaml").read_text(encoding="utf-8"))
    rows["recipients"][1]["email"] = "poststelle@kassel.example; keine-adresse"
    (folder / "recipients.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    done = run_cli("check", "-c", str(path))
    assert done.code == 1
    assert "mail.txt.j2" in done.err
    assert done.err.count("recipient.landrat: no such column in the recipient list") == 1  # not once per recipient
    assert "'keine-adresse' is not valid" in done.err
    assert "mail.max_attachment_mb" in done.err and "over the limit of" in done.err


def test_a_bundle_over_the_size_limit_gets_no_draft(folder: Path, run_cli) -> None:
    """This test ensures that a bundle larger than mail.max_attachment_mb is refused by name, not sent."""
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    from wir_letters.inputs.mail_settings import message_bytes

    size = (folder / "out" / "kassel.pdf").stat().st_size
    data["mail"]["max_attachment_mb"] = (message_bytes(size) - 1) / 1e6  # the bundle fits; its e-mail does not
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("mail", "-c", str(path))
    assert done.code == 1
    assert "NO DRAFT kassel: bundle too large" in done.err and "mail.max_attachment_mb" in done.err
    assert not (folder / "out" / "_mail" / "kassel.eml").exists()


def test_sending_keeps_to_the_rate_limit(folder: Path) -> None:
    """This test ensures that messages start at least 60/rate seconds apart (a fake clock, a real server)."""
    from wir_letters.inputs.recipients import read_recipients
    from wir_letters.outputs.mail.drafts import prepare_texts
    from wir_letters.outputs.mail.ledger import SentLog
    from wir_letters.outputs.mail.plan import plan_mail
    from wir_letters.outputs.mail.send import Pace, send_messages

    now, waits = [100.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    inbox = Inbox()
    with smtp_server(inbox) as port:
        campaign = load_campaign(_use_port(folder, port))
        items = [i for i in plan_mail(campaign, read_recipients(campaign.recipients).recipients) if i.sendable]
        sent = send_messages(campaign, items, prepare_texts(campaign, items), SentLog(folder / "sent.jsonl"), None,
                             Pace(30, sleep=sleep, clock=lambda: now[0]), lambda item, record: None)
    assert sent == 4 and len(inbox.received) == 4
    assert waits == [2.0, 2.0, 2.0]


def test_the_password_can_come_from_the_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test ensures that without the environment variable the password is read from the keyring
    (service wir-letters, user USER@HOST), and that without either the error says where to put it."""
    import keyring
    from keyring.backend import KeyringBackend

    from wir_letters.inputs.mail_settings import SmtpSettings
    from wir_letters.outputs.mail.server import MailServerError, smtp_password

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        stored = {("wir-letters", "wir-versand@mail.example"): "aus-dem-schluesselbund"}

        def get_password(self, service: str, username: str) -> str | None:
            return self.stored.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    monkeypatch.delenv("WIR_LETTERS_SMTP_PASSWORD", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        assert smtp_password(SmtpSettings(host="mail.example", user="wir-versand")) == "aus-dem-schluesselbund"
        with pytest.raises(MailServerError, match="keyring set wir-letters other@mail.example"):
            smtp_password(SmtpSettings(host="mail.example", user="other"))
    finally:
        keyring.set_keyring(previous)


def test_a_message_refused_for_one_of_two_addresses_counts_as_sent_with_a_warning(folder: Path, run_cli) -> None:
    """This test ensures that when the server takes a message for one address and refuses the other,
    the message counts as sent (never sent twice), and the refused address is named."""
    inbox = Inbox(refuse={"landraetin@landkreis-fulda.example"})
    with smtp_server(inbox) as port:
        campaign = str(_use_port(folder, port))
        done = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "landkreis-fulda")
        again = run_cli("send", "-c", campaign, "--no-dry-run", "--only", "landkreis-fulda")
    assert done.code == 0, done.err
    assert "landraetin@landkreis-fulda.example: 550" in done.err and "warning: landkreis-fulda" in done.err
    assert [to for _, to, _ in inbox.received] == [["buero@landkreis-fulda.example"]]
    assert "already sent, not sent again: 1" in again.out and len(inbox.received) == 1


def test_a_long_attachment_name_with_umlauts_survives_in_drafts_and_sends(folder: Path, run_cli) -> None:
    """This test ensures that the shipped pattern with the longest unit names (RFC 2231 continued over
    several lines) writes drafts whose attachment name reads back exactly."""
    path = folder / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["mail"]["attachment_name"] = "WIR-Ausschreibungen 2017 – {unit} – Übersicht für Groß-Gerau und Darmstadt-Dieburg.pdf"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = run_cli("mail", "-c", str(path))
    assert done.code == 0, done.err
    name, _ = _attachment(_parse((folder / "out" / "_mail" / "giessen.eml").read_bytes()))
    assert name == "WIR-Ausschreibungen 2017 – Landkreis Gießen – Übersicht für Groß-Gerau und Darmstadt-Dieburg.pdf"


def test_a_stopped_limited_run_resumes_with_what_is_left_of_its_limit(folder: Path, run_cli) -> None:
    """This test ensures that the resume command of a run with --limit keeps the rest of the limit."""
    inbox = Inbox(refuse={"poststelle@kassel.example"})  # kassel is the second
    with smtp_server(inbox) as port:
        done = run_cli("send", "-c", str(_use_port(folder, port)), "--no-dry-run", "--limit", "3")
    assert done.code == 1 and "Stopped after 1 of 3 message(s)" in done.err
    resume = done.err.split("Resume with:\n", 1)[1].splitlines()[0]
    assert "--limit 2" in resume


def test_a_message_another_run_sent_meanwhile_is_skipped(folder: Path) -> None:
    """This test ensures that a send re-reads the sent log under the lock: a recipient another run
    sent after this one planned is skipped, not sent twice."""
    from wir_letters.inputs.recipients import read_recipients
    from wir_letters.outputs.mail.drafts import prepare_texts
    from wir_letters.outputs.mail.ledger import Delivery, SentLog, SentRecord
    from wir_letters.outputs.mail.plan import plan_mail
    from wir_letters.outputs.mail.send import Pace, send_messages

    inbox = Inbox()
    with smtp_server(inbox) as port:
        campaign = load_campaign(_use_port(folder, port))
        items = [i for i in plan_mail(campaign, read_recipients(campaign.recipients).recipients) if i.sendable]
        log_path = folder / "out" / "_mail" / "sent.jsonl"
        SentLog(log_path).append(SentRecord("kassel", ["poststelle@kassel.example"], "<other@run>", "2026-11-27T10:00:00+00:00",
                                            items[1].sha256, Delivery.SENT))
        said: list[tuple[str, bool]] = []
        sent = send_messages(campaign, items, prepare_texts(campaign, items), SentLog(log_path), None, Pace(6000),
                             lambda item, record: said.append((item.id, record is not None)))
    assert items[1].id == "kassel" and ("kassel", False) in said
    assert sent == 3 and "poststelle@kassel.example" not in [to for _, tos, _ in inbox.received for to in tos]


def test_mail_refuses_a_list_with_row_errors_and_umlaut_addresses(folder: Path, run_cli) -> None:
    """This test ensures that mail names a row it cannot read (here an address with an umlaut, which
    servers without SMTPUTF8 refuse) instead of leaving that recipient out without a word."""
    rows = yaml.safe_load((folder / "recipients.yaml").read_text(encoding="utf-8"))
    rows["recipients"][1]["email"] = "poststelle@kässel.example"
    (folder / "recipients.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    done = run_cli("mail", "-c", str(folder / "campaign.yaml"))
    assert done.code == 1 and "'poststelle@kässel.example' is not valid" in done.err

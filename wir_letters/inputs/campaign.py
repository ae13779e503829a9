"""campaign.yaml: one mailing (sender, recipients, documents, attachments, output), validated."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from wir_letters.errors import CampaignError, Problem
from wir_letters.i18n import N_
from wir_letters.inputs._headers import header_key
from wir_letters.inputs._yaml import read_yaml, validation_problem
from wir_letters.inputs.letter_rules import LetterRules
from wir_letters.inputs.mail_settings import (MailSettings, SmtpSettings, missing_mail_files,
                                              resolve_mail_paths)
from wir_letters.inputs.recipients import Schema, TableSource
from wir_letters.inputs.values import ValueProblem

ColumnType = Literal["text", "boolean", "number", "date"]

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Sender(BaseModel):
    """The sending authority and the information block of the letter."""

    model_config = _STRICT
    authority: str
    unit: str = ""
    return_line: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    web: str = ""
    reference: str = ""  # Geschäftszeichen
    document_no: str = ""  # Dokument-Nr.
    clerk: str = ""  # Bearbeiter/in
    clerk_phone: str = ""  # Durchwahl
    clerk_fax: str = ""
    clerk_email: str = ""
    signatory: str = ""
    signatory_title: str = ""
    specialist: str = ""
    extra: dict[str, str] = {}


class Document(BaseModel):
    """A Word template filled for each recipient; ``when`` selects the recipients that get it."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    template: Path
    when: str | None = None
    max_pages: int | None = Field(default=None, ge=1)  # a longer rendered document fails its recipient


class Attachment(BaseModel):
    """A fixed PDF appended to every bundle after the documents."""

    model_config = _STRICT
    title: str
    file: Path


class Column(BaseModel):
    """A declared recipient column: its type, for text the most characters the letter holds,
    and the ``header`` it has in the recipient list when that differs from its name."""

    model_config = _STRICT
    type: ColumnType = "text"
    max_length: int | None = Field(default=None, ge=1)
    header: str | None = Field(default=None, min_length=1)


class RecipientsFile(BaseModel):
    """``recipients: {file: …, sheet: …}``: the list, and the sheet of a workbook to read."""

    model_config = _STRICT
    file: str
    sheet: str | None = None

    @field_validator("sheet", mode="before")
    @classmethod
    def _sheet_name(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _column(value: Any) -> Any:
    """``amount: number`` is short for ``amount: {type: number}``."""
    return {"type": value} if isinstance(value, str) else value


class Table(BaseModel):
    """Rows of a per-recipient table: a file (CSV, YAML, XLSX with ``sheet``) whose rows carry ``id``."""

    model_config = _STRICT
    file: Path
    sheet: str | None = None
    columns: dict[str, ColumnType] = {}


class Output(BaseModel):
    """``output:``: the folder the bundles are written to, and the bundle file name pattern."""

    model_config = _STRICT
    folder: Path = Path("out")
    bundle_name: str = "{id}.pdf"
    print_run: bool = False  # after a successful build, also write OUT/_print/ (print run, dispatch list)
    pdf_a: Literal["2b"] | None = None  # "2b": every document and bundle as PDF/A-2b (for the e-file)
    keep: list[Literal["docx", "pdf"]] = ["docx", "pdf"]  # per-document files kept next to the bundle
    merge: bool = False  # convert same-template letters many per LibreOffice document (see README, Performance)


class Campaign(BaseModel):
    """A validated campaign; all paths are absolute (resolved against the campaign file)."""

    model_config = _STRICT
    title: str
    date: dt.date
    sender: Sender
    recipients: Path
    sheet: str | None = None  # the sheet of an .xlsx list (recipients: {file, sheet}); None: the first
    documents: list[Document] = Field(min_length=1)
    attachments: list[Attachment] = []
    output: Output = Output()
    conditions: dict[str, str] = {}  # name -> rule; templates read conditions.<name> (True/False)
    letter_rules: LetterRules = LetterRules()
    locale: str = "de_DE"  # numbers, dates and Word field switches are formatted in this locale
    columns: dict[str, Column] = {}  # declared types and lengths of recipient columns
    tables: dict[str, Table] = {}  # per-recipient tables, as recipient.<name>
    mail: MailSettings | None = None  # the cover e-mail of `wir-letters mail` and `send`
    smtp: SmtpSettings | None = None  # the server `wir-letters send` uses
    source: Path = Path("campaign.yaml")

    @field_validator("columns", mode="before")
    @classmethod
    def _short_columns(cls, value: Any) -> Any:
        return {k: _column(v) for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("columns")
    @classmethod
    def _one_column_per_header(cls, value: dict[str, Column]) -> dict[str, Column]:
        keys = [header_key(c.header) for c in value.values() if c.header]
        twice = sorted({c.header for c in value.values() if c.header and keys.count(header_key(c.header)) > 1})
        if twice:
            raise ValueProblem(N_("the header(s) {headers} are given for more than one column"),
                               code="campaign.header_twice", headers=", ".join(map(repr, twice)))
        return value

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        try:
            Locale.parse(value)
        except (ValueError, UnknownLocaleError) as err:
            raise ValueProblem(N_("unknown locale {value!r}; use e.g. de_DE or en_GB"), code="campaign.locale_unknown",
                               value=value) from err
        return value

    @property
    def base_dir(self) -> Path:
        """The folder that holds campaign.yaml."""
        return self.source.parent

    @property
    def schema(self) -> Schema:  # type: ignore[override]  # shadows pydantic's deprecated BaseModel.schema()
        """What the recipient list reader must know: declared types, lengths, tables, headers, sheet."""
        return Schema(
            types={name: c.type for name, c in self.columns.items() if c.type != "text"},
            max_lengths={name: c.max_length for name, c in self.columns.items() if c.max_length},
            tables={name: TableSource(t.file, t.sheet, t.columns) for name, t in self.tables.items()},
            headers={c.header: name for name, c in self.columns.items() if c.header},
            sheet=self.sheet,
        )


def load_campaign(path: Path | str) -> Campaign:
    """Read ``campaign.yaml``, validate every key and check that every named file exists.

    Raises:
        CampaignError: naming the file, the key and what is wrong, for every problem found.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise CampaignError(Problem(str(path), N_("campaign file not found"),
                                    fix=N_("pass -c PATH or run in the folder that holds campaign.yaml"),
                                    code="campaign.not_found"))
    data = read_yaml(path, CampaignError)
    if not isinstance(data, dict):
        raise CampaignError(Problem(str(path), N_("expected a mapping of keys (title, sender, documents, ...)"),
                                    code="campaign.not_a_mapping"))
    if "source" in data:
        raise CampaignError(Problem(str(path), N_("unknown key"), field="source", fix=N_("remove it"),
                                    code="campaign.unknown_key"))
    if "sheet" in data:
        raise CampaignError(Problem(str(path), N_("unknown key"), field="sheet",
                                    fix=N_("write recipients: {{file: LIST.xlsx, sheet: NAME}}"),
                                    code="campaign.unknown_key", params={"key": "sheet"}))
    data = _recipients_file(path, data)
    try:
        campaign = Campaign.model_validate({**_resolve_paths(data, path.parent), "source": path})
    except ValidationError as err:
        raise CampaignError([_problem(path, e) for e in err.errors()]) from err
    _check_files(campaign)
    _check_unique_ids(campaign)
    return campaign


def _recipients_file(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """``recipients: {file: F, sheet: S}`` becomes ``recipients: F`` and ``sheet: S``.

    Raises:
        CampaignError: for unknown or missing keys under ``recipients:``.
    """
    value = data.get("recipients")
    if not isinstance(value, dict):
        return data
    try:
        entry = RecipientsFile.model_validate(value)
    except ValidationError as err:
        raise CampaignError([_problem(path, {**e, "loc": ("recipients", *e["loc"])}) for e in err.errors()]) from err
    return {**data, "recipients": entry.file, "sheet": entry.sheet}


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make the file paths of the raw YAML absolute, relative to the campaign folder."""
    data = dict(data)

    def absolute(value: Any) -> Any:
        return os.path.normpath(base / value) if isinstance(value, str) else value

    if "recipients" in data:
        data["recipients"] = absolute(data["recipients"])
    for key, path_key in (("documents", "template"), ("attachments", "file")):
        if isinstance(data.get(key), list):
            data[key] = [
                {**item, path_key: absolute(item.get(path_key))} if isinstance(item, dict) and path_key in item
                else item
                for item in data[key]
            ]
    if isinstance(data.get("tables"), dict):
        data["tables"] = {name: {**table, "file": absolute(table.get("file"))}
                          if isinstance(table, dict) and "file" in table else table
                          for name, table in data["tables"].items()}
    if isinstance(data.get("output"), dict) and "folder" in data["output"]:
        data["output"] = {**data["output"], "folder": absolute(data["output"]["folder"])}
    return resolve_mail_paths(data, absolute)


def _problem(path: Path, error: Any) -> Problem:
    # never echo what was given under smtp: it may hold a password
    return validation_problem(str(path), error, secret=error["loc"][:1] == ("smtp",))


def _check_files(campaign: Campaign) -> None:
    src = str(campaign.source)
    missing = [(N_("file not found: {path}"), "recipients", campaign.recipients)]
    missing += [(N_("template not found: {path}"), f"documents[{i}].template", doc.template)
                for i, doc in enumerate(campaign.documents)]
    missing += [(N_("table file not found: {path}"), f"tables.{name}.file", table.file)
                for name, table in campaign.tables.items()]
    missing += [(N_("attachment not found: {path}"), f"attachments[{i}].file", att.file)
                for i, att in enumerate(campaign.attachments)]
    missing += [(N_("file not found: {path}"), key, path) for key, path in missing_mail_files(campaign.mail, campaign.smtp)]
    problems = [Problem(src, message, field=key, code="campaign.file_not_found", params={"path": str(path)})
                for message, key, path in missing if not path.is_file()]
    if problems:
        raise CampaignError(problems)


def _check_unique_ids(campaign: Campaign) -> None:
    ids = [doc.id for doc in campaign.documents]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CampaignError(Problem(str(campaign.source), N_("duplicate document id(s): {ids}"),
                                    field="documents", fix=N_("give every document its own id"),
                                    code="campaign.document_id_duplicate", params={"ids": ", ".join(duplicates)}))

"""Exception hierarchy: input problems (exit 1) versus environment problems (exit 3)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from wir_letters.i18n import N_, render
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding about the user's input, with the place it was found and the fix.

    ``message``, ``where`` and ``fix`` are English templates whose ``{names}`` come from
    ``params``; ``text``/``describe`` show them in the chosen language (``wir_letters.i18n``).
    ``code`` names the kind of problem for programs (``recipient.email_invalid``).
    """

    file: str
    message: str
    where: str = ""  # row, recipient or key
    field: str = ""  # column, template tag or campaign key (never translated)
    fix: str = ""
    severity: str = "error"  # "error" stops a build; "note" is information
    recipient: str = ""  # the recipient id when the problem concerns one recipient only
    code: str = ""
    params: Mapping[str, Any] = dataclass_field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.describe(with_file=True)

    @property
    def text(self) -> str:
        """The message in the chosen language, filled in."""
        return render(self.message, self.params)

    @property
    def fix_text(self) -> str:
        """The fix in the chosen language, filled in ("" without one)."""
        return render(self.fix, self.params) if self.fix else ""

    def describe(self, with_file: bool = True) -> str:
        """The problem as one line: ``file: where: field: message (fix)``, in the chosen language."""
        parts = (self.file if with_file else "", render(self.where, self.params) if self.where else "", self.field)
        place = ": ".join(p for p in parts if p)
        text = f"{place}: {self.text}" if place else self.text
        return f"{text} ({self.fix_text})" if self.fix else text


class WirLettersError(Exception):
    """Base class of every error wir_letters raises on purpose.

    The message is an English template filled from keyword parameters and shown in the chosen
    language; ``code`` names the kind of error for programs.
    """

    exit_code = 1
    code = ""

    def __init__(self, message: str = "", /, *, code: str = "", **params: Any) -> None:
        self.message, self.params = message, params
        if code:
            self.code = code
        super().__init__(message)

    def __str__(self) -> str:
        return render(self.message, self.params) if self.message else super().__str__()


class InputError(WirLettersError):
    """The user's campaign, recipients or templates are wrong; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = Problem(file="", message=problems, code="input")
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(p.message for p in self.problems), code="input")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class CampaignError(InputError):
    """campaign.yaml is missing, malformed, or names files that do not exist."""


class RecipientError(InputError):
    """A recipient list or one of its rows is invalid; ``columns`` holds the header when it was read."""

    columns: set[str] | None = None


class TemplateError(InputError):
    """A template cannot be parsed or rendered for a recipient."""


class EnvironmentProblem(WirLettersError):
    """The machine lacks something wir_letters needs (LibreOffice) or it failed."""

    exit_code = 3


class ConverterMissing(EnvironmentProblem):
    """LibreOffice (soffice) is not installed or not found."""


class BuildLocked(EnvironmentProblem):
    """Another build is writing the same output folder."""


class OutputNotWritable(EnvironmentProblem):
    """The output folder is read-only or not permitted."""


class ConverterFailed(EnvironmentProblem):
    """LibreOffice runs but cannot convert even a blank test document: the machine is to blame."""


class DiskFull(EnvironmentProblem):
    """The disk holding ``folder`` has (almost) no space left; ``free`` is in bytes when known."""

    def __init__(self, folder: str | os.PathLike[str], free: int | None = None) -> None:
        self.folder = Path(folder)
        self.free = free
        if free is None:
            super().__init__(N_("the disk holding {folder} is full: free space or use --out on another disk"),
                             code="disk_full", folder=str(self.folder))
        else:
            super().__init__(N_("the disk holding {folder} is full ({free_mb} MB free): free space or use --out on "
                                "another disk"), code="disk_full", folder=str(self.folder), free_mb=free // 2**20)

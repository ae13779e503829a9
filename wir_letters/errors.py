"""Exception hierarchy: input problems (exit 1) versus environment problems (exit 3)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding about the user's input, with the place it was found and the fix."""

    file: str
    message: str
    where: str = ""  # row, recipient or key
    field: str = ""  # column, template tag or campaign key
    fix: str = ""
    severity: str = "error"  # "error" stops a build; "note" is information
    recipient: str = ""  # the recipient id when the problem concerns one recipient only

    def __str__(self) -> str:
        return self.describe(with_file=True)

    def describe(self, with_file: bool = True) -> str:
        """The problem as one line: ``file: where: field: message (fix)``."""
        parts = (self.file if with_file else "", self.where, self.field)
        place = ": ".join(p for p in parts if p)
        text = f"{place}: {self.message}" if place else self.message
        return f"{text} ({self.fix})" if self.fix else text


class WirLettersError(Exception):
    """Base class of every error wir_letters raises on purpose."""

    exit_code = 1


class InputError(WirLettersError):
    """The user's campaign, recipients or templates are wrong; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = Problem(file="", message=problems)
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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
        amount = f" ({free // 2**20} MB free)" if free is not None else ""
        super().__init__(f"the disk holding {self.folder} is full{amount}: free space or use --out on another disk")

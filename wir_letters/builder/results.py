"""What a build reports: each recipient's result as it completes, and the result of the whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from wir_letters.builder.status import Status
from wir_letters.errors import Problem


@dataclass
class RecipientResult:
    """What the build did for one recipient; ``error`` is set when it failed."""

    id: str
    name: str
    status: Status | None = None
    bundle: Path | None = None
    documents: dict[str, Path] = field(default_factory=dict)  # document id -> PDF
    pages: int = 0
    error: str | None = None
    rebuilt: frozenset[str] = frozenset()  # document ids rendered in this build
    set_aside: list[Path] = field(default_factory=list)  # hand-edited outputs moved to _stale/ first

    @property
    def ok(self) -> bool:
        """Whether the recipient's outputs are complete."""
        return self.error is None

    def fail(self, message: str) -> None:
        """Add an error (after any earlier one)."""
        self.error = f"{self.error}; {message}" if self.error else message


@dataclass
class BuildResult:
    """The outcome of one build of an output folder: every chosen recipient's result, and what
    else the run did (recipients moved to ``_removed/``, rows skipped, cache use, warnings)."""

    out: Path
    results: list[RecipientResult]
    removed: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)  # rows skipped with --keep-going
    manifest: Path | None = None
    cache_hits: int = 0  # documents whose PDF came from the conversion cache
    converted: int = 0  # documents LibreOffice converted
    removed_to: dict[str, Path] = field(default_factory=dict)  # removed id -> the folder its outputs went to
    warnings: list[str] = field(default_factory=list)  # e.g. a damaged manifest that was set aside
    converted_alone: dict[Path, str] = field(default_factory=dict)  # PDF -> why it was not merged (translated)

    @property
    def failed(self) -> list[RecipientResult]:
        """The recipients whose build failed."""
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        """Whether every recipient was built and no row was skipped."""
        return not self.failed and not self.rejected


class Reporter(Protocol):
    """Told how many recipients a build covers, then each recipient's result as it completes."""

    def start(self, total: int) -> None:
        """The build covers ``total`` recipients."""

    def done(self, result: RecipientResult) -> None:
        """One recipient is complete (built, up to date, or failed)."""


class Silent:
    """A reporter that says nothing."""

    def start(self, total: int) -> None:
        """Ignore the total."""

    def done(self, result: RecipientResult) -> None:
        """Ignore the result."""

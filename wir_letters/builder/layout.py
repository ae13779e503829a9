"""The output folder: where a build writes what, in one place.

    OUT/
      manifest.json              what the last build made, per recipient
      <bundle name>.pdf          one bundle per recipient (``output.bundle_name``)
      <id>/<document>.docx|.pdf  the documents of each recipient
      _stale/<id>/               outputs that no longer matched, and hand edits, kept
      _removed/<id>/             outputs of recipients that left the list
      .wir/                      the work folder: lock, journal, conversion cache, LibreOffice scratch
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wir_letters.files import remove_leftovers
from wir_letters.inputs.campaign import Campaign
from wir_letters.inputs.names import bundle_name
from wir_letters.inputs.recipients import Recipient

WORK_DIR = ".wir"
CACHE_DIR = "cache"  # inside WORK_DIR: PDFs by the SHA-256 of their DOCX
MANIFEST_NAME = "manifest.json"
STALE_DIR = "_stale"
REMOVED_DIR = "_removed"


@dataclass(frozen=True)
class OutputLayout:
    """The paths of one output folder ``out`` (absolute)."""

    out: Path

    @classmethod
    def of(cls, campaign: Campaign, out: Path | None = None) -> OutputLayout:
        """The layout of ``out`` (``--out``), by default of the campaign's output folder."""
        return cls(Path(out or campaign.output.folder).resolve())

    @property
    def work(self) -> Path:
        """The work folder: lock, journal, conversion cache, LibreOffice profiles, scratch."""
        return self.out / WORK_DIR

    @property
    def lock(self) -> Path:
        """The lock file held while a build writes this folder."""
        return self.work / "build.lock"

    @property
    def cache(self) -> Path:
        """The conversion cache folder."""
        return self.work / CACHE_DIR

    @property
    def journal(self) -> Path:
        """The journal of the recipients a build began to write."""
        return self.work / "journal"

    @property
    def damaged_manifests(self) -> Path:
        """Where a manifest that cannot be read is kept."""
        return self.work / "damaged-manifest"

    @property
    def manifest(self) -> Path:
        """The manifest file."""
        return self.out / MANIFEST_NAME

    def removed(self, recipient_id: str) -> Path:
        """Where the outputs of a recipient that left the list go."""
        return self.out / REMOVED_DIR / recipient_id

    def stale(self, recipient_id: str) -> Path:
        """Where outputs that no longer match, or were edited by hand, are kept."""
        return self.out / STALE_DIR / recipient_id

    def folder(self, recipient_id: str) -> Path:
        """The folder of a recipient's documents."""
        return self.out / recipient_id

    def docx(self, recipient_id: str, document_id: str) -> Path:
        """A recipient's filled Word document."""
        return self.folder(recipient_id) / f"{document_id}.docx"

    def pdf(self, recipient_id: str, document_id: str) -> Path:
        """A recipient's document as PDF."""
        return self.folder(recipient_id) / f"{document_id}.pdf"

    def bundle(self, campaign: Campaign, recipient: Recipient) -> Path:
        """A recipient's bundle, named by ``output.bundle_name``.

        Raises:
            KeyError: when the pattern names a column the recipient list lacks.
        """
        return self.out / bundle_name(campaign, recipient)

    def relative(self, path: Path) -> str:
        """An output's name in the manifest: its path inside the output folder, with ``/``."""
        return path.relative_to(self.out).as_posix()

    def remove_leftovers(self) -> None:
        """Delete what a killed build left: temporary files, LibreOffice profiles and staging folders."""
        from wir_letters.pdf.convert import PROFILE_PATTERN, STAGING_PATTERN  # not needed by ``status``
        remove_leftovers(self.work, (PROFILE_PATTERN, STAGING_PATTERN))
        remove_leftovers(self.work)
        remove_leftovers(self.out)

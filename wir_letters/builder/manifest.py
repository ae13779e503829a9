"""OUT/manifest.json: per recipient its bundle, page counts, file hashes and the inputs used.

The file is JSON with one line per recipient, so a diff shows which recipients changed and a
long list is read and written line by line: entries stay compact strings in memory, parsed
into a ``ManifestEntry`` only when asked for. It holds no timestamps or absolute paths, so equal
builds give equal manifests. An entry is recorded only after all of the recipient's outputs
are complete.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from wir_letters.builder._fingerprint import Inputs
from wir_letters.files import sync_filesystem, write_text_atomic
from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase, ValueProblem
from wir_letters.version import __version__

FORMAT = 1
_RECIPIENTS_LINE = '"recipients": {'


@dataclass(frozen=True)
class DocumentEntry:
    """One document of a recipient as built: its title and number of pages."""

    title: str
    pages: int


@dataclass(frozen=True)
class ManifestEntry:
    """What the manifest records for one recipient: its complete outputs, or why its build failed.

    Paths (``bundle`` and the keys of ``files``) are relative to the output folder, with ``/``.
    """

    name: str
    bundle: str | None = None
    pages: int = 0
    documents: Mapping[str, DocumentEntry] = field(default_factory=dict)  # document id -> title, pages
    files: Mapping[str, str] = field(default_factory=dict)  # output path -> SHA-256
    dropped: Mapping[str, str] = field(default_factory=dict)  # made, then deleted (output.keep) -> SHA-256
    inputs: Inputs | None = None
    error: str | None = None

    @classmethod
    def failed(cls, name: str, error: str | None) -> ManifestEntry:
        """The entry of a recipient whose build failed: its name and the error, nothing else."""
        return cls(name, error=error)

    def to_json(self) -> dict[str, Any]:
        """The entry as the manifest file holds it (a failed one keeps only name and error)."""
        if self.error is not None:
            return {"name": self.name, "error": self.error}
        return {
            "name": self.name,
            "bundle": self.bundle,
            "pages": self.pages,
            "documents": {doc_id: {"title": doc.title, "pages": doc.pages, "position": n}  # the file sorts keys
                          for n, (doc_id, doc) in enumerate(self.documents.items(), start=1)},
            "files": dict(self.files),
            "inputs": self.inputs.as_json() if self.inputs is not None else {},
            "error": None,
        } | ({"dropped": dict(self.dropped)} if self.dropped else {})

    @classmethod
    def from_json(cls, data: Any) -> ManifestEntry:
        """Read an entry of the manifest file.

        Raises:
            ValueError: ``data`` is not a manifest entry.
        """
        if not isinstance(data, dict) or not all(isinstance(data.get(key, {}), dict)
                                                 for key in ("files", "documents", "inputs", "dropped")):
            raise ValueProblem(N_("not a wir_letters manifest entry"), code="manifest.bad_entry")
        try:
            listed = sorted(data.get("documents", {}).items(), key=_position)
            documents = {doc_id: DocumentEntry(doc.get("title", ""), doc.get("pages", 0)) for doc_id, doc in listed}
        except AttributeError as err:
            raise ValueProblem(N_("not a wir_letters manifest entry: a document is not a mapping"),
                               code="manifest.bad_entry") from err
        return cls(name=data.get("name", ""), bundle=data.get("bundle"), pages=data.get("pages", 0),
                   documents=documents, files=data.get("files", {}), dropped=data.get("dropped", {}),
                   inputs=Inputs.from_json(data["inputs"]) if "inputs" in data else None, error=data.get("error"))


def _position(item: tuple[str, Any]) -> int:
    """A document's place in the bundle as the manifest holds it (0 when missing or not a number)."""
    position = item[1].get("position", 0)
    return position if isinstance(position, int) else 0


def _compact(entry: Mapping[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Manifest:
    """The recipients' entries of one output folder; ``flush`` writes them atomically."""

    def __init__(self, path: Path, entries: dict[str, str], flush_every: float = 1.0) -> None:
        self.path = path
        self._entries = entries  # recipient id -> compact JSON of its entry
        self.campaign = ""
        self.flush_every = flush_every
        self._flushed_at = time.monotonic()
        self.damaged: Phrase | None = None  # why an existing manifest could not be read (English; shown translated)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Read the manifest file ``path``; a missing file gives an empty manifest, and so does one
        that cannot be read (empty, cut off, not ours, newer format): ``damaged`` then says why."""
        if not path.is_file():
            return cls(path, {})
        try:
            entries = _read(path)
        except (ValueError, UnicodeDecodeError) as err:  # json.JSONDecodeError is a ValueError
            manifest = cls(path, {})
            reason = err.phrase if isinstance(err, ValueProblem) else str(err)
            manifest.damaged = Phrase(N_("{path} cannot be read ({error})"), {"path": str(path), "error": reason})
            return manifest
        return cls(path, entries)

    def get(self, recipient_id: str) -> ManifestEntry | None:
        """The recipient's entry, or None when the manifest has none."""
        raw = self._entries.get(recipient_id)
        return ManifestEntry.from_json(json.loads(raw)) if raw is not None else None

    def ids(self) -> list[str]:
        """The ids of the recipients that have an entry."""
        return list(self._entries)

    def values(self) -> Iterator[ManifestEntry]:
        """Every entry, one at a time."""
        return (ManifestEntry.from_json(json.loads(raw)) for raw in self._entries.values())

    def record(self, recipient_id: str, entry: ManifestEntry) -> None:
        """Set a recipient's entry; flush when the last flush is older than ``flush_every`` s."""
        self._entries[recipient_id] = _compact(entry.to_json())
        if time.monotonic() - self._flushed_at >= self.flush_every:
            self.flush()

    def drop(self, recipient_id: str) -> None:
        """Forget the recipient's entry."""
        self._entries.pop(recipient_id, None)

    def flush(self) -> Path:
        """Write the manifest (sorted by recipient id) atomically and return its path.

        The build writes its outputs without syncing each file; the file system is brought to disk
        here first, so that after a power cut the manifest never records a file that is not there.
        """
        started = time.monotonic()
        if self.path.parent.is_dir():
            sync_filesystem(self.path.parent)  # the outputs it records are on disk before it says so
        write_text_atomic(self.path, self._write)
        self._flushed_at = time.monotonic()
        # a long list makes a large manifest: keep rewriting it under a tenth of the build time
        self.flush_every = max(self.flush_every, 10 * (self._flushed_at - started))
        return self.path

    def _write(self, handle: TextIO) -> None:
        handle.write("{\n")
        for key, value in (("format", FORMAT), ("campaign", self.campaign), ("generator", f"wir_letters {__version__}")):
            handle.write(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        handle.write(_RECIPIENTS_LINE + "\n")
        ids = sorted(self._entries)
        for n, rid in enumerate(ids):
            comma = "," if n < len(ids) - 1 else ""
            handle.write(f"{json.dumps(rid, ensure_ascii=False)}: {self._entries[rid]}{comma}\n")
        handle.write("}\n}\n")


def _read(path: Path) -> dict[str, str]:
    """The entries of a manifest file, checked for their shape.

    Raises:
        ValueError: the file is not a manifest this version can read.
    """
    with path.open(encoding="utf-8") as handle:
        entries = _read_lines(handle)
    if entries is None:  # not our line layout (edited by hand?): read it whole
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("recipients"), dict):
            raise ValueProblem(N_("not a wir_letters manifest: no 'recipients' mapping"), code="manifest.not_a_manifest")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueProblem(N_("format {found!r}, this wir_letters reads format {format}"),
                               code="manifest.unknown_format", found=data.get("format"), format=FORMAT)
        entries = {rid: _compact(entry) for rid, entry in data["recipients"].items()}
    for rid, raw in entries.items():
        try:
            ManifestEntry.from_json(json.loads(raw))
        except ValueError as err:
            raise ValueProblem(N_("the entry of {id!r} is not a wir_letters manifest entry"), code="manifest.bad_entry",
                               id=rid) from err
    return entries


def _read_lines(handle: TextIO) -> dict[str, str] | None:
    """Read the one-line-per-recipient layout ``_write`` produces; None for any other layout."""
    entries: dict[str, str] = {}
    in_recipients = False
    for line in handle:
        line = line.rstrip("\n")
        if not in_recipients:
            if line.startswith('"format": ') and line != f'"format": {FORMAT},':
                return None  # another format: the whole-file reader says which
            in_recipients = line == _RECIPIENTS_LINE
            continue
        if line == "}":
            return entries
        try:
            item = json.loads("{" + line.rstrip(",") + "}")
        except json.JSONDecodeError:
            return None
        for rid, entry in item.items():
            entries[rid] = _compact(entry)
    return None

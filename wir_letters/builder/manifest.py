"""OUT/manifest.json: per recipient its bundle, page counts, file hashes and the inputs used.

The file is JSON with one line per recipient, so a diff shows which recipients changed and a
long list is read and written line by line: entries stay compact strings in memory, parsed
only when asked for. It holds no timestamps or absolute paths, so equal builds give equal
manifests. An entry is recorded only after all of the recipient's outputs are complete.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from wir_letters.version import __version__
from wir_letters.files import write_text_atomic

MANIFEST_NAME = "manifest.json"
FORMAT = 1
_RECIPIENTS_LINE = '"recipients": {'


def _compact(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Manifest:
    """The recipients' entries of one output folder; ``flush`` writes them atomically."""

    def __init__(self, out: Path, entries: dict[str, str], flush_every: float = 1.0) -> None:
        self.out = out
        self._entries = entries  # recipient id -> compact JSON of its entry
        self.campaign = ""
        self.flush_every = flush_every
        self._flushed_at = time.monotonic()
        self.damaged: str | None = None  # why an existing manifest could not be read

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """Read ``out/manifest.json``; a missing file gives an empty manifest, and so does one
        that cannot be read (empty, cut off, not ours, newer format): ``damaged`` then says why."""
        path = out / MANIFEST_NAME
        if not path.is_file():
            return cls(out, {})
        try:
            entries = _read(path)
        except (ValueError, UnicodeDecodeError) as err:  # json.JSONDecodeError is a ValueError
            manifest = cls(out, {})
            manifest.damaged = f"{path} cannot be read ({err})"
            return manifest
        return cls(out, entries)

    def get(self, recipient_id: str) -> dict[str, Any] | None:
        raw = self._entries.get(recipient_id)
        return json.loads(raw) if raw is not None else None

    def ids(self) -> list[str]:
        return list(self._entries)

    def values(self) -> Iterator[dict[str, Any]]:
        return (json.loads(raw) for raw in self._entries.values())

    def record(self, recipient_id: str, entry: dict[str, Any]) -> None:
        """Set a recipient's entry; flush when the last flush is older than ``flush_every`` s."""
        self._entries[recipient_id] = _compact(entry)
        if time.monotonic() - self._flushed_at >= self.flush_every:
            self.flush()

    def drop(self, recipient_id: str) -> None:
        self._entries.pop(recipient_id, None)

    def flush(self) -> Path:
        """Write the manifest (sorted by recipient id) atomically and return its path."""
        path = self.out / MANIFEST_NAME
        started = time.monotonic()
        write_text_atomic(path, self._write)
        self._flushed_at = time.monotonic()
        # a long list makes a large manifest: keep rewriting it under a tenth of the build time
        self.flush_every = max(self.flush_every, 10 * (self._flushed_at - started))
        return path

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
            raise ValueError("not a wir_letters manifest: no 'recipients' mapping")
        if data.get("format", FORMAT) != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, this wir_letters reads format {FORMAT}")
        entries = {rid: _compact(entry) for rid, entry in data["recipients"].items()}
    for rid, raw in entries.items():
        _check_entry(rid, json.loads(raw))
    return entries


def _check_entry(rid: str, entry: Any) -> None:
    if not isinstance(entry, dict) or not all(isinstance(entry.get(key, {}), dict)
                                              for key in ("files", "documents", "inputs")):
        raise ValueError(f"the entry of {rid!r} is not a wir_letters manifest entry")


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

"""OUT/manifest.json: per recipient its bundle, page counts, file hashes and the inputs used.

The manifest holds no timestamps or absolute paths, so equal builds give equal manifests.
An entry is recorded only after all of the recipient's outputs are complete.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_atomic

MANIFEST_NAME = "manifest.json"
FORMAT = 1


class Manifest:
    """The recipients' entries of one output folder; ``flush`` writes them atomically."""

    def __init__(self, out: Path, entries: dict[str, Any], flush_every: float = 1.0) -> None:
        self.out = out
        self.entries = entries
        self.campaign = ""
        self.flush_every = flush_every
        self._flushed_at = time.monotonic()

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """Read ``out/manifest.json``; a missing file gives an empty manifest."""
        path = out / MANIFEST_NAME
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(out, dict(data.get("recipients", {})))

    def record(self, recipient_id: str, entry: dict[str, Any]) -> None:
        """Set a recipient's entry; flush when the last flush is older than ``flush_every`` s."""
        self.entries[recipient_id] = entry
        if time.monotonic() - self._flushed_at >= self.flush_every:
            self.flush()

    def drop(self, recipient_id: str) -> None:
        self.entries.pop(recipient_id, None)

    def flush(self) -> Path:
        """Write the manifest (sorted by recipient id) atomically and return its path."""
        data = {"format": FORMAT, "campaign": self.campaign, "generator": f"wir_letters {__version__}",
                "recipients": dict(sorted(self.entries.items()))}
        path = self.out / MANIFEST_NAME
        started = time.monotonic()
        write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        self._flushed_at = time.monotonic()
        # a long list makes a large manifest: keep rewriting it under a tenth of the build time
        self.flush_every = max(self.flush_every, 10 * (self._flushed_at - started))
        return path

"""Which recipients a build began to rewrite, so that after a crash their files are known as the
build's own and not taken for hand edits.

A build notes a recipient before it writes the first of its files and clears the notes once the
manifest records everything; after a kill, the notes that remain name the recipients whose files
may be newer than the manifest says.
"""

from __future__ import annotations

import os
from pathlib import Path


class Journal:
    """An append-only list of recipient ids, one per line, synced as it is written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._noted: set[str] = set()

    def begin(self, recipient_id: str) -> None:
        """Note that the build starts writing this recipient's files."""
        if recipient_id in self._noted:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(recipient_id + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self._noted.add(recipient_id)

    @property
    def noted(self) -> frozenset[str]:
        """The recipients this build began to write."""
        return frozenset(self._noted)

    def clear(self) -> None:
        """Forget every note: the manifest now records all that was written."""
        self.path.unlink(missing_ok=True)
        self._noted.clear()


def interrupted(path: Path) -> set[str]:
    """The recipients an interrupted build was writing (empty after a complete build)."""
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                if line.strip()}
    except FileNotFoundError:
        return set()

"""OUT/manifest.json: what was built for each recipient, with page counts and SHA-256 hashes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .files import sha256_file, write_atomic

MANIFEST_NAME = "manifest.json"
FORMAT = 1


def load_manifest(out: Path) -> dict[str, Any]:
    """Return the manifest of an output folder, or an empty one."""
    path = out / MANIFEST_NAME
    if not path.is_file():
        return {"format": FORMAT, "recipients": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("recipients", {})
    return data


def save_manifest(out: Path, campaign_title: str, generator: str, entries: Mapping[str, Any]) -> Path:
    """Merge ``entries`` (by recipient id) into the manifest and write it atomically."""
    manifest = load_manifest(out)
    manifest.update({"format": FORMAT, "campaign": campaign_title, "generator": generator})
    manifest["recipients"].update(entries)
    manifest["recipients"] = dict(sorted(manifest["recipients"].items()))
    path = out / MANIFEST_NAME
    write_atomic(path, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


def file_hashes(out: Path, paths: list[Path]) -> dict[str, str]:
    """Return ``{path relative to out (POSIX): sha256}`` for existing files."""
    return {p.relative_to(out).as_posix(): sha256_file(p) for p in paths if p.is_file()}

"""Fingerprints of everything that reaches a recipient's outputs, to decide what to rebuild."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from wir_letters.version import __version__
from wir_letters.inputs.campaign import Campaign
from wir_letters.files import sha256_file
from wir_letters.builder.plan import RecipientPlan


def digest(value: Any) -> str:
    """Return the SHA-256 of a JSON-serialisable value (keys sorted, so order does not matter)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """Return a typed cell value as JSON can hold it (dates as ISO text, decimals as text), so
    that a value read again compares equal to the one stored in the manifest."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int, float)) or value is None:  # bool is an int
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@lru_cache(maxsize=256)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def file_digest(path: Path) -> str:
    """Return a file's SHA-256, cached while its size and mtime stay the same."""
    stat = path.stat()
    return _file_digest(path, stat.st_size, stat.st_mtime_ns)


def settings_digest(campaign: Campaign) -> str:
    """Digest of the campaign settings that reach every recipient's documents and bundle."""
    return digest({
        "title": campaign.title,
        "date": campaign.date.isoformat(),
        "sender": campaign.sender.model_dump(),
        "letter_rules": campaign.letter_rules.model_dump(),
        "documents": [(d.id, d.title, d.when) for d in campaign.documents],
        "conditions": campaign.conditions,
        "attachments": [a.title for a in campaign.attachments],
        "locale": campaign.locale,
    } | ({"keep": sorted(campaign.output.keep)} if set(campaign.output.keep) != {"docx", "pdf"} else {}))


@dataclass(frozen=True)
class Inputs:
    """What one recipient's outputs are made from; stored in the manifest to explain rebuilds."""

    row: Mapping[str, str]
    settings: str
    templates: Mapping[str, str]  # document id -> SHA-256 of its template
    attachments: Mapping[str, str]  # attachment title -> SHA-256 of its PDF
    version: str = __version__

    def as_json(self) -> dict[str, Any]:
        """The inputs as the manifest stores them."""
        return {"row": dict(self.row), "settings": self.settings, "templates": dict(self.templates),
                "attachments": dict(self.attachments), "version": self.version}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Inputs:
        """The inputs a manifest entry stored; what is missing is empty (and so counts as changed)."""
        return cls(row=data.get("row", {}), settings=data.get("settings", ""),
                   templates=data.get("templates", {}), attachments=data.get("attachments", {}),
                   version=data.get("version", ""))


def inputs_for(campaign: Campaign, plan: RecipientPlan, settings: str) -> Inputs:
    """Return the inputs of one recipient's plan (template and attachment digests are cached)."""
    return Inputs(
        row=jsonable(dict(plan.recipient.fields)),
        settings=settings,
        templates={d.document.id: file_digest(d.document.template) for d in plan.documents},
        attachments={a.title: file_digest(a.file) for a in campaign.attachments},
    )

"""Why a recipient needs building: compare its inputs and outputs with the last manifest entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wir_letters.builder.fingerprint import Inputs, file_digest
from wir_letters.builder.plan import RecipientPlan

STALE_DIR = "_stale"  # outputs that no longer match their inputs, and hand-edited ones, kept
NEW, CHANGED, FAILED, UP_TO_DATE, REMOVED, ERROR = "new", "changed", "failed", "up to date", "removed", "error"
NOT_LISTED = "not in this list"


@dataclass(frozen=True)
class Status:
    """What a build would do for one recipient, and why."""

    id: str
    state: str
    reasons: tuple[str, ...] = ()
    documents: frozenset[str] = field(default_factory=frozenset)  # document ids to render again
    bundle: bool = False  # the bundle must be written again
    edited: tuple[str, ...] = ()  # outputs changed by hand (relative to the output folder)

    @property
    def needs_build(self) -> bool:
        return self.state in (NEW, CHANGED, FAILED)


def assess(plan: RecipientPlan, inputs: Inputs, entry: Mapping[str, Any] | None, out: Path,
           force: bool = False, interrupted: bool = False) -> Status:
    """Compare a recipient's current inputs and files with its manifest entry.

    ``interrupted``: a killed build was writing this recipient's files, so files that differ
    from the manifest are its own, not hand edits.
    """
    rid = plan.recipient.id
    everything = frozenset(d.document.id for d in plan.documents)
    edited = () if interrupted or entry is None else _edited(out, entry, plan)
    if entry is None:
        return Status(rid, NEW, ("new recipient",), everything, True)
    if entry.get("error"):
        return Status(rid, FAILED, (f"last build failed: {entry['error']}",), everything, True)
    if force:
        return Status(rid, CHANGED, ("--force",), everything, True, edited)
    old = Inputs.from_json(entry.get("inputs", {}))
    reasons: list[str] = []
    redo: set[str] = set()
    whole = _whole_recipient_reasons(old, inputs)
    if whole:
        reasons += whole
        redo |= everything
    old_docs = entry.get("documents", {})
    for doc in plan.documents:
        doc_id = doc.document.id
        if doc_id not in old_docs:
            reasons.append(f"document added: {doc_id}")
        elif old.templates.get(doc_id) != inputs.templates[doc_id]:
            reasons.append(f"template changed: {doc.document.template.name}")
        else:
            file_reasons = _file_reasons(out, entry, (doc.docx, doc.pdf), interrupted)
            reasons += file_reasons
            if not file_reasons:
                continue
        redo.add(doc_id)
    dropped = sorted(set(old_docs) - everything)
    reasons += [f"document dropped: {d}" for d in dropped]
    if old.attachments != inputs.attachments:
        changed = sorted(t for t in inputs.attachments.keys() | old.attachments.keys()
                         if inputs.attachments.get(t) != old.attachments.get(t))
        reasons.append(f"attachment changed: {', '.join(changed)}")
    bundle_path = plan.bundle.relative_to(out).as_posix()
    if entry.get("bundle") != bundle_path:
        reasons.append(f"bundle renamed: {entry.get('bundle')} → {bundle_path}")
    else:
        reasons += _file_reasons(out, entry, (plan.bundle,), interrupted)
    if not reasons:
        return Status(rid, UP_TO_DATE)
    return Status(rid, CHANGED, tuple(reasons), frozenset(redo), True, edited)


def _whole_recipient_reasons(old: Inputs, new: Inputs) -> list[str]:
    """Reasons that touch every document of the recipient: its row, the settings, the version."""
    reasons = []
    changed = sorted(k for k in old.row.keys() | new.row.keys() if old.row.get(k, "") != new.row.get(k, ""))
    if changed:
        details = "; ".join(f"{k}: {old.row.get(k, '')!r} → {new.row.get(k, '')!r}" for k in changed)
        reasons.append(f"row changed: {details}")
    if old.settings != new.settings:
        reasons.append("campaign settings changed")
    if old.version != new.version:
        reasons.append(f"wir_letters version changed: {old.version} → {new.version}")
    return reasons


def _file_reasons(out: Path, entry: Mapping[str, Any], paths: tuple[Path, ...], interrupted: bool) -> list[str]:
    """Report outputs that are missing or whose bytes differ from the manifest's hash."""
    reasons = []
    hashes = entry.get("files", {})
    for path in paths:
        name = path.relative_to(out).as_posix()
        if not path.is_file():
            reasons.append(f"output missing: {name}")
        elif hashes.get(name) != file_digest(path):
            reasons.append(f"output left unfinished by an interrupted build: {name}" if interrupted
                           else f"output modified by hand: {name} (the next build moves it to {STALE_DIR}/ first)")
    return reasons


def _edited(out: Path, entry: Mapping[str, Any], plan: RecipientPlan) -> tuple[str, ...]:
    """Outputs whose bytes differ from what the last build recorded: somebody changed them."""
    hashes = entry.get("files", {})
    paths = [plan.bundle] + [p for d in plan.documents for p in (d.docx, d.pdf)]
    return tuple(name for path in paths if path.is_file() and (name := path.relative_to(out).as_posix()) in hashes
                 and hashes[name] != file_digest(path))


def removed(recorded_ids: Iterable[str], current_ids: set[str], pruned: bool = True) -> list[Status]:
    """Return a ``removed`` status for every manifest entry whose recipient left the list
    (``pruned`` False: a partial list, so they only would be moved by ``--prune``)."""
    reason = "no longer in the recipient list" if pruned else \
        "not in this list: kept; build --prune would move its outputs to _removed/"
    state = REMOVED if pruned else NOT_LISTED
    return [Status(rid, state, (reason,), frozenset(), False) for rid in recorded_ids if rid not in current_ids]

"""Why a recipient needs building: compare its inputs and outputs with the last manifest entry.

A recipient's ``State`` says what a build does with it; each of its ``Reason``s names a cause
for a program (``reason.kind``) and for a person (the reason is its text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from wir_letters.builder._fingerprint import Inputs, file_digest
from wir_letters.builder.layout import REMOVED_DIR, STALE_DIR, OutputLayout
from wir_letters.builder.manifest import ManifestEntry
from wir_letters.builder.plan import RecipientPlan


class State(StrEnum):
    """What a build does with a recipient; the value is the text ``status`` prints."""

    NEW = "new"
    CHANGED = "changed"
    FAILED = "failed"
    UP_TO_DATE = "up to date"
    REMOVED = "removed"
    NOT_LISTED = "not in this list"
    ERROR = "error"  # the recipient cannot even be planned


class ReasonKind(StrEnum):
    """The machine-readable key of a reason."""

    NEW = "new"
    LAST_FAILED = "last_failed"
    FORCED = "forced"
    ROW_CHANGED = "row_changed"
    SETTINGS_CHANGED = "settings_changed"
    VERSION_CHANGED = "version_changed"
    TEMPLATE_CHANGED = "template_changed"
    ATTACHMENT_CHANGED = "attachment_changed"
    DOCUMENT_ADDED = "document_added"
    DOCUMENT_DROPPED = "document_dropped"
    BUNDLE_RENAMED = "bundle_renamed"
    OUTPUT_MISSING = "output_missing"
    MODIFIED_BY_HAND = "modified_by_hand"
    INTERRUPTED = "interrupted"
    REMOVED = "removed"
    NOT_LISTED = "not_listed"


class Reason(str):
    """Why a recipient is built again (or removed): the text a person reads, with its ``kind``."""

    kind: ReasonKind

    def __new__(cls, kind: ReasonKind, text: str) -> Reason:
        reason = super().__new__(cls, text)
        reason.kind = kind
        return reason


@dataclass(frozen=True)
class Status:
    """What a build would do for one recipient, and why."""

    id: str
    state: State
    reasons: tuple[Reason, ...] = ()
    documents: frozenset[str] = field(default_factory=frozenset)  # document ids to render again
    bundle: bool = False  # the bundle must be written again
    edited: tuple[str, ...] = ()  # outputs changed by hand (relative to the output folder)

    @property
    def needs_build(self) -> bool:
        """Whether a build makes this recipient's outputs (again)."""
        return self.state in (State.NEW, State.CHANGED, State.FAILED)


def assess(plan: RecipientPlan, inputs: Inputs, entry: ManifestEntry | None, layout: OutputLayout,
           force: bool = False, interrupted: bool = False) -> Status:
    """Compare a recipient's current inputs and files with its manifest entry.

    ``interrupted``: a killed build was writing this recipient's files, so files that differ
    from the manifest are its own, not hand edits.
    """
    rid = plan.recipient.id
    everything = frozenset(d.document.id for d in plan.documents)
    if entry is None:
        return Status(rid, State.NEW, (Reason(ReasonKind.NEW, "new recipient"),), everything, True)
    if entry.error:
        failed = Reason(ReasonKind.LAST_FAILED, f"last build failed: {entry.error}")
        return Status(rid, State.FAILED, (failed,), everything, True)
    edited = () if interrupted else _edited(layout, entry, plan)
    if force:
        return Status(rid, State.CHANGED, (Reason(ReasonKind.FORCED, "--force"),), everything, True, edited)
    files = _Files(layout, entry, interrupted)
    old = entry.inputs if entry.inputs is not None else Inputs.from_json({})
    reasons = _whole_recipient_reasons(old, inputs)
    redo = set(everything) if reasons else set()
    for doc in plan.documents:
        reason = _document_reasons(doc.document.id, doc.document.template.name, old, inputs, entry, files,
                                   (doc.docx, doc.pdf))
        reasons += reason
        if reason:
            redo.add(doc.document.id)
    reasons += [Reason(ReasonKind.DOCUMENT_DROPPED, f"document dropped: {d}")
                for d in sorted(set(entry.documents) - everything)]
    reasons += _bundle_reasons(plan, old, inputs, entry, files)
    if not reasons:
        return Status(rid, State.UP_TO_DATE)
    return Status(rid, State.CHANGED, tuple(reasons), frozenset(redo), True, edited)


def _whole_recipient_reasons(old: Inputs, new: Inputs) -> list[Reason]:
    """Reasons that touch every document of the recipient: its row, the settings, the version."""
    reasons = []
    changed = sorted(k for k in old.row.keys() | new.row.keys() if old.row.get(k, "") != new.row.get(k, ""))
    if changed:
        details = "; ".join(f"{k}: {old.row.get(k, '')!r} → {new.row.get(k, '')!r}" for k in changed)
        reasons.append(Reason(ReasonKind.ROW_CHANGED, f"row changed: {details}"))
    if old.settings != new.settings:
        reasons.append(Reason(ReasonKind.SETTINGS_CHANGED, "campaign settings changed"))
    if old.version != new.version:
        reasons.append(Reason(ReasonKind.VERSION_CHANGED, f"wir_letters version changed: {old.version} → {new.version}"))
    return reasons


def _document_reasons(doc_id: str, template: str, old: Inputs, new: Inputs, entry: ManifestEntry,
                      files: _Files, paths: tuple[Path, ...]) -> list[Reason]:
    """Why one document is made again: it is new, its template changed, or its files did."""
    if doc_id not in entry.documents:
        return [Reason(ReasonKind.DOCUMENT_ADDED, f"document added: {doc_id}")]
    if old.templates.get(doc_id) != new.templates[doc_id]:
        return [Reason(ReasonKind.TEMPLATE_CHANGED, f"template changed: {template}")]
    return files.reasons(paths)


def _bundle_reasons(plan: RecipientPlan, old: Inputs, new: Inputs, entry: ManifestEntry,
                    files: _Files) -> list[Reason]:
    """Why the bundle is written again: an attachment changed, its name changed, or its file did."""
    reasons = []
    if old.attachments != new.attachments:
        changed = sorted(t for t in new.attachments.keys() | old.attachments.keys()
                         if new.attachments.get(t) != old.attachments.get(t))
        reasons.append(Reason(ReasonKind.ATTACHMENT_CHANGED, f"attachment changed: {', '.join(changed)}"))
    bundle = files.layout.relative(plan.bundle)
    if entry.bundle != bundle:
        reasons.append(Reason(ReasonKind.BUNDLE_RENAMED, f"bundle renamed: {entry.bundle} → {bundle}"))
    else:
        reasons += files.reasons((plan.bundle,))
    return reasons


@dataclass(frozen=True)
class _Files:
    """The outputs a manifest entry recorded, compared with the files there now."""

    layout: OutputLayout
    entry: ManifestEntry
    interrupted: bool

    def reasons(self, paths: tuple[Path, ...]) -> list[Reason]:
        """Report outputs that are missing or whose bytes differ from the manifest's hash."""
        reasons = []
        for path in paths:
            name = self.layout.relative(path)
            if not path.is_file():
                reasons.append(Reason(ReasonKind.OUTPUT_MISSING, f"output missing: {name}"))
            elif self.entry.files.get(name) != file_digest(path):
                reasons.append(
                    Reason(ReasonKind.INTERRUPTED, f"output left unfinished by an interrupted build: {name}")
                    if self.interrupted else
                    Reason(ReasonKind.MODIFIED_BY_HAND,
                           f"output modified by hand: {name} (the next build moves it to {STALE_DIR}/ first)"))
        return reasons


def _edited(layout: OutputLayout, entry: ManifestEntry, plan: RecipientPlan) -> tuple[str, ...]:
    """Outputs whose bytes differ from what the last build recorded: somebody changed them."""
    hashes = entry.files
    return tuple(name for path in plan.outputs if path.is_file() and (name := layout.relative(path)) in hashes
                 and hashes[name] != file_digest(path))


def removed(recorded_ids: Iterable[str], current_ids: set[str], pruned: bool = True) -> list[Status]:
    """Return a ``removed`` status for every manifest entry whose recipient left the list
    (``pruned`` False: a partial list, so they only would be moved by ``--prune``)."""
    if pruned:
        state, reason = State.REMOVED, Reason(ReasonKind.REMOVED, "no longer in the recipient list")
    else:
        state, reason = State.NOT_LISTED, Reason(
            ReasonKind.NOT_LISTED, f"not in this list: kept; build --prune would move its outputs to {REMOVED_DIR}/")
    return [Status(rid, state, (reason,), frozenset(), False) for rid in recorded_ids if rid not in current_ids]

"""Why a recipient needs building: compare its inputs and outputs with the last manifest entry.

A recipient's ``State`` says what a build does with it; each of its ``Reason``s names a cause
for a program (``reason.kind``) and for a person (``reason.text``, in the chosen language; the
reason itself is the English text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from wir_letters.builder._fingerprint import Inputs, file_digest
from wir_letters.builder.layout import REMOVED_DIR, STALE_DIR, OutputLayout
from wir_letters.builder.manifest import ManifestEntry
from wir_letters.builder.plan import RecipientPlan
from wir_letters.i18n import N_, render


class State(StrEnum):
    """What a build does with a recipient; the value is the English text, ``text`` the one ``status`` prints."""

    NEW = N_("new")
    CHANGED = N_("changed")
    FAILED = N_("failed")
    UP_TO_DATE = N_("up to date")
    REMOVED = N_("removed")
    NOT_LISTED = N_("not in this list")
    ERROR = N_("error")  # the recipient cannot even be planned

    @property
    def text(self) -> str:
        """The state in the chosen language."""
        return render(self.value)


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
    """Why a recipient is built again (or removed), with its ``kind`` for programs.

    ``template`` is an English message (marked with ``N_``) filled from ``params``; the reason
    itself (``str(reason)``) is the English text, ``text`` the one a person reads, in the chosen
    language (``wir_letters.i18n``).
    """

    kind: ReasonKind
    template: str
    params: dict[str, Any]

    def __new__(cls, kind: ReasonKind, template: str, params: Mapping[str, Any] | None = None) -> Reason:
        values = dict(params or {})
        reason = super().__new__(cls, template.format(**values) if values else template)
        reason.kind, reason.template, reason.params = kind, template, values
        return reason

    @property
    def text(self) -> str:
        """The reason in the chosen language, filled in."""
        return render(self.template, self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Reason, (self.kind, self.template, self.params))


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
        return Status(rid, State.NEW, (Reason(ReasonKind.NEW, N_("new recipient")),), everything, True)
    if entry.error:
        failed = Reason(ReasonKind.LAST_FAILED, N_("last build failed: {error}"), {"error": entry.error})
        return Status(rid, State.FAILED, (failed,), everything, True)
    edited = () if interrupted else _edited(layout, entry, plan)
    if force:
        return Status(rid, State.CHANGED, (Reason(ReasonKind.FORCED, N_("--force")),), everything, True, edited)
    files = _Files(layout, entry, interrupted)
    old = entry.inputs if entry.inputs is not None else Inputs.from_json({})
    reasons = _whole_recipient_reasons(old, inputs)
    redo = set(everything) if reasons else set()
    for doc in plan.documents:
        kept = tuple(p for p in (doc.docx, doc.pdf) if layout.relative(p) not in entry.dropped)
        reason = _document_reasons(doc.document.id, doc.document.template.name, old, inputs, entry, files, kept)
        reasons += reason
        if reason:
            redo.add(doc.document.id)
    reasons += [Reason(ReasonKind.DOCUMENT_DROPPED, N_("document dropped: {document}"), {"document": d})
                for d in sorted(set(entry.documents) - everything)]
    reasons += _bundle_reasons(plan, old, inputs, entry, files)
    if not reasons:
        return Status(rid, State.UP_TO_DATE)
    if entry.dropped:  # output.keep deleted the documents' files: make them all again (from the cache)
        redo = set(everything)
    return Status(rid, State.CHANGED, tuple(reasons), frozenset(redo), True, edited)


def _whole_recipient_reasons(old: Inputs, new: Inputs) -> list[Reason]:
    """Reasons that touch every document of the recipient: its row, the settings, the version."""
    reasons = []
    changed = sorted(k for k in old.row.keys() | new.row.keys() if old.row.get(k, "") != new.row.get(k, ""))
    if changed:
        details = "; ".join(f"{k}: {old.row.get(k, '')!r} → {new.row.get(k, '')!r}" for k in changed)
        reasons.append(Reason(ReasonKind.ROW_CHANGED, N_("row changed: {details}"), {"details": details}))
    if old.settings != new.settings:
        reasons.append(Reason(ReasonKind.SETTINGS_CHANGED, N_("campaign settings changed")))
    if old.version != new.version:
        reasons.append(Reason(ReasonKind.VERSION_CHANGED, N_("wir_letters version changed: {old} → {new}"),
                              {"old": old.version, "new": new.version}))
    return reasons


def _document_reasons(doc_id: str, template: str, old: Inputs, new: Inputs, entry: ManifestEntry,
                      files: _Files, paths: tuple[Path, ...]) -> list[Reason]:
    """Why one document is made again: it is new, its template changed, or its files did."""
    if doc_id not in entry.documents:
        return [Reason(ReasonKind.DOCUMENT_ADDED, N_("document added: {document}"), {"document": doc_id})]
    if old.templates.get(doc_id) != new.templates[doc_id]:
        return [Reason(ReasonKind.TEMPLATE_CHANGED, N_("template changed: {template}"), {"template": template})]
    return files.reasons(paths)


def _bundle_reasons(plan: RecipientPlan, old: Inputs, new: Inputs, entry: ManifestEntry,
                    files: _Files) -> list[Reason]:
    """Why the bundle is written again: an attachment changed, its name changed, or its file did."""
    reasons = []
    if old.attachments != new.attachments:
        changed = sorted(t for t in new.attachments.keys() | old.attachments.keys()
                         if new.attachments.get(t) != old.attachments.get(t))
        reasons.append(Reason(ReasonKind.ATTACHMENT_CHANGED, N_("attachment changed: {attachments}"),
                              {"attachments": ", ".join(changed)}))
    bundle = files.layout.relative(plan.bundle)
    if entry.bundle != bundle:
        reasons.append(Reason(ReasonKind.BUNDLE_RENAMED, N_("bundle renamed: {old} → {new}"),
                              {"old": entry.bundle, "new": bundle}))
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
                reasons.append(Reason(ReasonKind.OUTPUT_MISSING, N_("output missing: {file}"), {"file": name}))
            elif self.entry.files.get(name) != file_digest(path):
                reasons.append(
                    Reason(ReasonKind.INTERRUPTED, N_("output left unfinished by an interrupted build: {file}"),
                           {"file": name})
                    if self.interrupted else
                    Reason(ReasonKind.MODIFIED_BY_HAND,
                           N_("output modified by hand: {file} (the next build moves it to {folder}/ first)"),
                           {"file": name, "folder": STALE_DIR}))
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
        state, reason = State.REMOVED, Reason(ReasonKind.REMOVED, N_("no longer in the recipient list"))
    else:
        state, reason = State.NOT_LISTED, Reason(
            ReasonKind.NOT_LISTED, N_("not in this list: kept; build --prune would move its outputs to {folder}/"),
            {"folder": REMOVED_DIR})
    return [Status(rid, state, (reason,), frozenset(), False) for rid in recorded_ids if rid not in current_ids]

"""The build: preflight → plan → decide what changed → pipeline (render, convert, bundle) → manifest.

Only outputs whose inputs changed (or whose files are missing or were edited) are made
again; everything is written atomically and recorded in the manifest only when complete.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import jinja2

from wir_letters.pdf.cache import ConversionCache
from wir_letters.inputs.campaign import Campaign
from wir_letters.checks.preflight import preflight
from wir_letters.pdf.convert import Converter, LibreOfficeConverter
from wir_letters.errors import BuildLocked, DiskFull, EnvironmentProblem, InputError, OutputNotWritable, Problem, RecipientError
from wir_letters.files import exclusive_lock, remove_leftovers, retire
from wir_letters.builder.fingerprint import Inputs, file_digest, inputs_for, settings_digest
from wir_letters.builder.journal import JOURNAL_NAME, Journal, interrupted
from wir_letters.builder.manifest import MANIFEST_NAME, Manifest
from wir_letters.builder.pipeline import Pipeline, RecipientResult, record_failure
from wir_letters.builder.plan import RecipientPlan, plan_recipient, select
from wir_letters.checks.rows import rule_problem
from wir_letters.pdf.pool import ConversionPool
from wir_letters.inputs.recipients import Recipient, RecipientList, read_recipients
from wir_letters.builder.status import STALE_DIR, Status, assess, removed

__all__ = ["BuildOptions", "BuildResult", "RecipientResult", "Reporter", "assess_all", "build"]

WORK_DIR = ".wir"  # inside the output folder: lock, conversion cache, LibreOffice profiles, scratch
CACHE_DIR = "cache"  # inside WORK_DIR: PDFs by the SHA-256 of their DOCX
REMOVED_DIR = "_removed"  # outputs of recipients that left the list


class Reporter(Protocol):
    """Told how many recipients a build covers, then each recipient's result as it completes."""

    def start(self, total: int) -> None: ...

    def done(self, result: RecipientResult) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def done(self, result: RecipientResult) -> None:
        pass


@dataclass
class BuildResult:
    out: Path
    results: list[RecipientResult]
    removed: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)  # rows skipped with --keep-going
    manifest: Path | None = None
    cache_hits: int = 0  # documents whose PDF came from the conversion cache
    converted: int = 0  # documents LibreOffice converted
    removed_to: dict[str, Path] = field(default_factory=dict)  # removed id -> the folder its outputs went to
    warnings: list[str] = field(default_factory=list)  # e.g. a damaged manifest that was set aside

    @property
    def failed(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.rejected


@dataclass(frozen=True)
class BuildOptions:
    only: tuple[str, ...] = ()
    jobs: int | None = None
    force: bool = False
    retry_failed: bool = False
    keep_going: bool = False
    timeout: float = 60.0
    prune: bool = True


def build(
    campaign: Campaign,
    recipients: Sequence[Recipient] | None = None,
    *,
    out: Path | None = None,
    only: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    retry_failed: bool = False,
    keep_going: bool = False,
    timeout: float = 60.0,
    prune: bool | None = None,
    converter: Converter | None = None,
    reporter: Reporter | None = None,
) -> BuildResult:
    """Bring every recipient's bundle up to date and write ``manifest.json``.

    Args:
        recipients: the recipients (default: the campaign's list, read and checked).
        only: build just these ids. retry_failed: just those whose last build failed.
        force: rebuild even what is up to date. jobs: parallel LibreOffice processes.
        keep_going: build the recipients without problems instead of stopping at the preflight.
        timeout: seconds LibreOffice may go without finishing a document before it is killed.
        prune: move the outputs of recipients missing from the list to ``_removed/``; by default
            only when building the campaign's own list (``recipients`` not given).
        converter: replaces LibreOffice (tests). reporter: told the total, then each result.

    The preflight (``wir_letters.checks.preflight``) runs first: with any error nothing is written.
    A recipient that fails later (a conversion, an output check) gets an ``error`` in its
    result; the others are still built. Never prints.

    Raises:
        InputError: the preflight found errors (all of them are in ``problems``), or ``only``
            names unknown recipients.
        BuildLocked: another build of the same output folder is running.
        DiskFull, OutputNotWritable: the output folder cannot be written.
        ConverterMissing, ConverterFailed: LibreOffice is missing, or cannot convert even a blank document.
    """
    prune = recipients is None if prune is None else prune
    options = BuildOptions(tuple(only or ()), jobs, force, retry_failed, keep_going, timeout, prune)
    out = Path(out or campaign.output.folder).resolve()
    listed = read_recipients(campaign.recipients, campaign.schema) if recipients is None else _given(recipients)
    rejected = _gate(campaign, listed, keep_going)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(out / WORK_DIR / "build.lock"):
            return _Build(campaign, out, listed, rejected, options, converter, reporter).run()
    except BlockingIOError as err:
        raise BuildLocked(f"{out}: another wir-letters build is writing this output folder; "
                          "wait for it to finish, or use another --out") from err
    except OSError as err:
        raise environment_error(err, out) from err


_FULL = (errno.ENOSPC, errno.EDQUOT)
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


def environment_error(err: OSError, out: Path) -> OSError | EnvironmentProblem:
    """An environment problem for a disk that is full or read-only; other errors as they are."""
    where = err.filename or out
    if err.errno in _FULL:
        return DiskFull(Path(where).parent if Path(where) != out else out)
    if err.errno in _NOT_WRITABLE:
        return OutputNotWritable(f"cannot write {where} ({err.strerror}): the output folder is read-only or not "
                                 "yours; check its permissions, or build into another folder with --out")
    return err


def _given(recipients: Sequence[Recipient]) -> RecipientList:
    columns = frozenset(name for r in recipients for name in r.fields)
    return RecipientList(list(recipients), [], columns, recipients[0].source if recipients else None)


def _gate(campaign: Campaign, listed: RecipientList, keep_going: bool) -> list[Problem]:
    """Stop on preflight errors; with ``keep_going`` only on those not tied to one recipient."""
    errors = [p for p in preflight(campaign, listed) if p.severity == "error"]
    blocking = [p for p in errors if not (keep_going and p.recipient)]
    if blocking:
        raise InputError(blocking)
    return errors


def assess_all(campaign: Campaign, recipients: Sequence[Recipient], out: Path, force: bool = False,
               prune: bool = True) -> tuple[list[Status], list[RecipientResult]]:
    """Return each recipient's status (plus removed ones) and the recipients that cannot be planned.

    With ``prune`` False (a list that is not the campaign's own), recipients missing from
    ``recipients`` are reported as what ``--prune`` would move, not as removed.
    """
    manifest = Manifest.load(out)
    results = {r.id: RecipientResult(r.id, r.name) for r in recipients}
    settings = settings_digest(campaign)
    unfinished = interrupted(out / WORK_DIR / JOURNAL_NAME)
    statuses = [assess(p, inputs_for(campaign, p, settings), manifest.get(p.recipient.id), out, force,
                       interrupted=p.recipient.id in unfinished)
                for p in _plans(campaign, recipients, out, results)]
    statuses += removed(manifest.ids(), {r.id for r in recipients}, pruned=prune)
    return statuses, [r for r in results.values() if not r.ok]


class _Build:
    """One locked run over an output folder."""

    def __init__(self, campaign: Campaign, out: Path, listed: RecipientList, rejected: list[Problem],
                 options: BuildOptions, converter: Converter | None, reporter: Reporter | None) -> None:
        self.campaign, self.out, self.listed, self.options = campaign, out, listed, options
        self.rejected = rejected
        self.reporter: Reporter = reporter or _Silent()
        self.manifest = Manifest.load(out)
        self.manifest.campaign = campaign.title
        self.converter = converter
        self.journal = Journal(out / WORK_DIR / JOURNAL_NAME)
        self.unfinished = interrupted(self.journal.path)  # recipients a killed build was writing
        self.warnings: list[str] = []

    def run(self) -> BuildResult:
        # what a killed build left: temporary files, LibreOffice profiles, staging folders
        remove_leftovers(self.out / WORK_DIR, ("lo-profile-*", ".convert-*", ".*.tmp"))
        remove_leftovers(self.out)
        self._set_aside_damaged_manifest()
        skipped = {p.recipient for p in self.rejected}
        chosen = [r for r in self._choose() if r.id not in skipped]
        results = {r.id: RecipientResult(r.id, r.name) for r in chosen}
        self.reporter.start(len(chosen))
        known = {r.id for r in self.listed.recipients} | skipped
        partial = self.options.only or self.options.retry_failed or not self.options.prune
        gone = {} if partial else self._retire_removed(known)
        pipeline = self._pipeline()
        settings = settings_digest(self.campaign)
        # Two passes over the list, planning each recipient again rather than holding every plan:
        # the first decides what to do (and how many documents LibreOffice will get), the second does it.
        for plan in _plans(self.campaign, chosen, self.out, results):
            remove_leftovers(plan.folder)
            result = results[plan.recipient.id]
            result.status = assess(plan, inputs_for(self.campaign, plan, settings),
                                   self.manifest.get(plan.recipient.id), self.out, self.options.force,
                                   interrupted=plan.recipient.id in self.unfinished)
            if result.status.needs_build and result.status.edited:  # keep what somebody changed by hand
                result.set_aside = retire([self.out / name for name in result.status.edited],
                                          self.out / STALE_DIR / plan.recipient.id)
        pipeline.pool.expect(sum(len(r.status.documents) for r in results.values() if r.status))
        try:
            for plan in _plans(self.campaign, chosen, self.out, results):
                self._build_one(pipeline, plan, results[plan.recipient.id], inputs_for(self.campaign, plan, settings))
            pipeline.close()
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: keep what is complete, do not wait for LibreOffice
            pipeline.pool.close()  # its threads are daemons; their soffice dies with the process
            self.manifest.flush()
            raise
        except BaseException as err:
            pipeline.pool.join()
            if isinstance(err, DiskFull) or (isinstance(err, OSError) and err.errno in _FULL):
                self._drop_unrecorded()
            raise
        pipeline.pool.join()
        for result in results.values():
            if not result.ok and result.status is None:  # could not even be planned
                record_failure(self.manifest, self.out, result)
                self.reporter.done(result)
        if not (self.options.only or self.options.retry_failed):
            pipeline.cache.prune(digest for entry in self.manifest.values()
                                 for name, digest in entry.get("files", {}).items() if name.endswith(".docx"))
        manifest = self.manifest.flush()
        self.journal.clear()  # the manifest now records every file written
        return BuildResult(self.out, [results[r.id] for r in chosen], list(gone), self.rejected, manifest,
                           pipeline.cache_hits, pipeline.converted, gone, self.warnings)

    def _build_one(self, pipeline: Pipeline, plan: RecipientPlan, result: RecipientResult, inputs: Inputs) -> None:
        if result.status is not None and result.status.needs_build:
            pipeline.add(plan, result, inputs)
            return
        entry = self.manifest.get(plan.recipient.id)
        result.bundle = plan.bundle
        result.documents = {d.document.id: d.pdf for d in plan.documents}
        result.pages = entry.get("pages", 0) if entry else 0
        self.reporter.done(result)

    def _pipeline(self) -> Pipeline:
        converter = self.converter or LibreOfficeConverter(
            self.out / WORK_DIR, workers=self.options.jobs or os.cpu_count() or 2,
            timeout=self.options.timeout, day=self.campaign.date)
        cache = ConversionCache(self.out / WORK_DIR / CACHE_DIR, self.campaign.date.isoformat(),
                                read=not self.options.force)
        return Pipeline(self.campaign, self.out, self.manifest, ConversionPool(converter), cache,
                        self.reporter.done, verify_text=getattr(converter, "renders_text", True),
                        journal=self.journal)

    def _choose(self) -> list[Recipient]:
        try:
            chosen = select(self.listed.recipients, self.options.only)
        except KeyError as err:
            raise RecipientError(Problem(str(self.campaign.recipients), f"unknown recipient id(s): {err.args[0]}",
                                         field="--only", fix="use ids from the recipient list")) from err
        if self.options.retry_failed:
            chosen = [r for r in chosen if (self.manifest.get(r.id) or {}).get("error")]
        return chosen

    def _retire_removed(self, current: set[str]) -> dict[str, Path]:
        """Move the outputs of recipients that left the list to ``OUT/_removed/<id>/`` (or
        ``<id>-2``… when an earlier removal is there); return each id with its folder."""
        gone: dict[str, Path] = {}
        for status in removed(self.manifest.ids(), current):
            bundle = (self.manifest.get(status.id) or {}).get("bundle")
            paths = [self.out / status.id] + ([self.out / bundle] if bundle else [])
            moved = retire(paths, self.out / REMOVED_DIR / status.id)
            gone[status.id] = moved[0].parent if moved else self.out / REMOVED_DIR / status.id
            self.manifest.drop(status.id)
        return gone

    def _drop_unrecorded(self) -> None:
        """On a full disk: delete the files this build wrote that the manifest does not record
        (documents of recipients it did not finish), so the aborted build does not fill the disk."""
        for rid in self.journal.noted:
            recorded = (self.manifest.get(rid) or {}).get("files", {})
            folder = self.out / rid
            for path in folder.glob("*") if folder.is_dir() else ():
                name = path.relative_to(self.out).as_posix()
                if path.is_file() and recorded.get(name) != file_digest(path):
                    path.unlink(missing_ok=True)

    def _set_aside_damaged_manifest(self) -> None:
        """A manifest that cannot be read is kept in the work folder; every recipient is rebuilt."""
        if self.manifest.damaged is None:
            return
        kept = retire([self.out / MANIFEST_NAME], self.out / WORK_DIR / "damaged-manifest")
        self.warnings.append(f"{self.manifest.damaged}; it was moved to {kept[0] if kept else '?'} and every "
                             "recipient is built again")


def _plans(campaign: Campaign, chosen: Sequence[Recipient], out: Path,
           results: dict[str, RecipientResult]) -> Iterator[RecipientPlan]:
    """Plan each recipient in turn; one that cannot be planned gets the error in its result."""
    for recipient in chosen:
        try:
            yield plan_recipient(campaign, recipient, out)
        except jinja2.TemplateError as err:
            results[recipient.id].error = str(rule_problem(campaign, recipient, err))
        except (KeyError, ValueError) as err:
            results[recipient.id].error = str(Problem(
                str(campaign.source), f"the bundle name pattern cannot be filled: {err}",
                where=f"recipient {recipient.id}", field="output.bundle_name"))

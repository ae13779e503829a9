"""Watch mode: build once, then build again whenever an input file is saved, with LibreOffice kept warm.

The inputs are the campaign file, the recipient list, the tables, the templates and the
attachments (the folders holding them are watched, not recursively, so that saving through a
temporary file and a rename is seen too). Each round is the ordinary incremental build, so only
the recipients whose inputs changed are made again, and its status reasons say why. A round
that stops on an input or environment error is reported and the watch goes on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wir_letters.builder.layout import OutputLayout
from wir_letters.builder.results import BuildResult
from wir_letters.errors import WirLettersError
from wir_letters.inputs.campaign import Campaign
from wir_letters.pdf.convert import Converter
from wir_letters.pdf.warm import WarmConverter

__all__ = ["Round", "inputs_of", "watch"]

Load = Callable[[], Campaign]
Run = Callable[[Campaign, Converter], BuildResult]


@dataclass(frozen=True)
class Round:
    """One build of the watch: the files whose change set it off (none for the first), the
    campaign and result, or the error that stopped it; and how long it took."""

    changed: tuple[Path, ...]
    campaign: Campaign | None = None
    result: BuildResult | None = None
    error: WirLettersError | None = None
    seconds: float = 0.0
    watched: frozenset[Path] = field(default_factory=frozenset)


def inputs_of(campaign: Campaign) -> set[Path]:
    """Every file a build of ``campaign`` reads."""
    files = {campaign.source, campaign.recipients}
    files |= {document.template for document in campaign.documents}
    files |= {attachment.file for attachment in campaign.attachments}
    files |= {table.file for table in campaign.tables.values()}
    return {path.resolve() for path in files}


def watch(campaign_file: Path, load: Load, run: Run, *, out: Path | None = None, jobs: int | None = None,
          timeout: float = 60.0, stop: threading.Event | None = None) -> Iterator[Round]:
    """Build with ``run(load(), converter)`` now and after every save of an input; yield each round.

    ``load`` reads the campaign (with the command's options); ``run`` builds it with the warm
    converter given. Ends when ``stop`` is set; Ctrl-C raises KeyboardInterrupt. LibreOffice
    ends with the generator (closed, or garbage-collected).
    """
    converters = _Converters(out, jobs, timeout)
    watched = {campaign_file.resolve()}
    changed: tuple[Path, ...] = ()
    saves = _Saves(stop)
    try:
        while True:
            seen = _stats(watched)  # before reading: a save from now on starts another round
            done = _round(load, run, converters, changed)
            if done.watched:
                added = (set(done.watched) | {campaign_file.resolve()}) - watched
                watched |= added
                seen |= _stats(added)
            yield done
            found = saves.next(watched, seen)
            if found is None:
                return
            changed = found
    finally:
        converters.close()
        saves.close()


Stats = dict[Path, tuple[int, int, int] | None]


def _stats(paths: set[Path]) -> Stats:
    """Inode, size and modification time of each file (None: missing): what a save changes."""
    found: Stats = {}
    for path in paths:
        try:
            info = path.stat()
            found[path] = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            found[path] = None
    return found


class _Saves:
    """Saves of the watched files. The file system's events (watchfiles, one watcher per set of
    folders, kept between rounds) wake the loop, at the latest every second; a file counts as
    saved when its inode, size or time differs from before the last round read it, so a save made
    during a build, or before the watcher was ready, is not lost and none is built twice."""

    WAKE_MS = 1000

    def __init__(self, stop: threading.Event | None) -> None:
        self.stop = stop
        self.folders: list[Path] = []
        self.changes: Generator[set[tuple[Any, str]], None, None] | None = None

    def next(self, watched: set[Path], seen: Stats) -> tuple[Path, ...] | None:
        """Wait until a file of ``watched`` differs from ``seen``; return those; None when ``stop`` is set."""
        while not (self.stop is not None and self.stop.is_set()):
            now = _stats(watched)
            changed = tuple(sorted(path for path in watched if now[path] != seen.get(path)))
            if changed:
                while True:  # let a save that is still being written finish
                    time.sleep(0.05)
                    again = _stats(watched)
                    if again == now:
                        return changed
                    now = again
            if next(self._events(watched), None) is None:
                return None
        return None

    def _events(self, watched: set[Path]) -> Generator[set[tuple[Any, str]], None, None]:
        import watchfiles  # imported here: the other commands do not need it

        folders = sorted({path.parent for path in watched if path.parent.is_dir()})
        if self.changes is None or folders != self.folders:
            self.close()
            self.folders = folders
            self.changes = watchfiles.watch(*folders, watch_filter=lambda _, name: Path(name) in watched,
                                            stop_event=self.stop, recursive=False, rust_timeout=self.WAKE_MS,
                                            yield_on_timeout=True)
        return self.changes

    def close(self) -> None:
        """Stop watching."""
        if self.changes is not None:
            self.changes.close()
            self.changes = None


def _round(load: Load, run: Run, converters: _Converters, changed: tuple[Path, ...]) -> Round:
    """Load and build once; an error of wir_letters is the round's result, not the watch's end."""
    started = time.monotonic()
    campaign = None
    try:
        campaign = load()
        result = run(campaign, converters.get(campaign))
    except WirLettersError as err:
        watched = frozenset(inputs_of(campaign)) if campaign else frozenset()
        return Round(changed, campaign, None, err, time.monotonic() - started, watched)
    return Round(changed, campaign, result, None, time.monotonic() - started, frozenset(inputs_of(campaign)))


class _Converters:
    """The warm converter for the campaign's output folder, date and PDF/A setting; a new one
    (with new LibreOffice processes) when one of them changes."""

    def __init__(self, out: Path | None, jobs: int | None, timeout: float) -> None:
        self.out, self.jobs, self.timeout = out, jobs, timeout
        self.current: WarmConverter | None = None
        self.key: tuple[object, ...] = ()

    def get(self, campaign: Campaign) -> WarmConverter:
        work = OutputLayout.of(campaign, self.out).work
        key = (work, campaign.date, campaign.output.pdf_a)
        if self.current is None or key != self.key:
            self.close()
            self.current = WarmConverter(work, workers=self.jobs or os.cpu_count() or 2, timeout=self.timeout,
                                         day=campaign.date, pdf_a=campaign.output.pdf_a, durable=False)
            self.key = key
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

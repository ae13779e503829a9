"""Terminal progress for long builds (rich): recipients done / total, rate, time left, failures."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from wir_letters.builder.results import RecipientResult
from wir_letters.i18n import N_, render


class ProgressReporter:
    """A build reporter that draws a progress bar; does nothing when ``enabled`` is False."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.enabled = enabled
        self.failed = 0
        self.started = time.monotonic()
        self.progress = Progress(
            TextColumn(render(N_("building"))), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TextColumn(render(N_("ETA"))), TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}"),
            console=console, transient=True, disable=not enabled,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> ProgressReporter:
        self.progress.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.progress.__exit__(kind, error, trace)

    def start(self, total: int) -> None:
        """Show a bar for ``total`` recipients."""
        self.started = time.monotonic()
        self.task = self.progress.add_task("build", total=total, rate="", failed="")

    def done(self, result: RecipientResult) -> None:
        """Advance the bar; count a failure."""
        if self.task is None:
            return
        self.failed += not result.ok
        self.progress.advance(self.task)
        finished = self.progress.tasks[0].completed
        rate = finished / max(time.monotonic() - self.started, 1e-6)
        self.progress.update(self.task, rate=f"{rate:.1f}/s",
                             failed=render(N_("{count} failed"), {"count": self.failed}) if self.failed else "")

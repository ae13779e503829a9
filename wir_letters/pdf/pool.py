"""A pool of conversion workers fed while rendering goes on: documents are converted as they come.

Each worker thread drives one converter slot (one LibreOffice process at a time, with its own
profile) and takes its share of the expected documents as one batch, so LibreOffice's start-up
cost is shared by many documents while rendering and bundling continue in the main thread.
A worker thread starts each soffice and waits for it itself: the parent-death signal that ends
soffice with the build follows the thread that started it (see ``convert``).
"""

from __future__ import annotations

import inspect
import math
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from wir_letters.pdf.convert import FILES_PER_CALL, ConversionJob, Converter

_DONE = None  # queue marker: no more jobs


class ConversionPool:
    """Convert jobs in ``converter.workers`` background threads; collect results with ``results``."""

    def __init__(self, converter: Converter) -> None:
        self.converter = converter
        self._jobs: queue.Queue[ConversionJob | None] = queue.Queue()
        self._results: queue.Queue[tuple[ConversionJob, str]] = queue.Queue()
        self._failure: BaseException | None = None
        self._lock = threading.Lock()
        self._collecting = threading.Lock()  # one worker fills its batch at a time
        self._expected = 0  # jobs announced with expect() and not yet taken by a worker
        self._idle = converter.workers  # workers not converting a batch right now
        self._pending = 0
        self._streams = "done" in inspect.signature(converter.convert_batch).parameters  # a subclass may not
        self._threads = [threading.Thread(target=self._work, args=(slot,), daemon=True, name=f"convert-{slot}")
                         for slot in range(converter.workers)]
        for thread in self._threads:
            thread.start()

    def expect(self, count: int) -> None:
        """Announce (or, negative, withdraw) jobs that will be submitted, so batches can be sized."""
        with self._lock:
            self._expected = max(0, self._expected + count)

    def submit(self, job: ConversionJob) -> None:
        """Queue ``job`` for conversion; its result comes from :meth:`results`."""
        self._pending += 1
        self._jobs.put(job)

    def close(self) -> None:
        """No more jobs will come: workers finish what is queued and stop."""
        for _ in self._threads:
            self._jobs.put(_DONE)

    @property
    def pending(self) -> int:
        """Jobs submitted whose result has not been collected yet."""
        return self._pending

    def results(self, block: bool = False) -> Iterator[tuple[ConversionJob, str]]:
        """Yield finished ``(job, error)`` pairs (``error`` is "" on success).

        With ``block``, wait for at least one unless nothing is pending.

        Raises:
            EnvironmentProblem: re-raised from a worker (LibreOffice missing or unusable).
        """
        while self._pending:
            if self._failure is not None:
                raise self._failure
            try:
                item = self._results.get(block=block, timeout=0.1 if block else None)
            except queue.Empty:
                if block:
                    continue
                return
            self._pending -= 1
            block = False
            yield item

    def join(self) -> None:
        """Close the queue and wait until every worker has stopped."""
        self.close()
        for thread in self._threads:
            thread.join()

    def _work(self, slot: int) -> None:
        """Convert batches until the queue ends; a failing converter stops the worker (and the build).

        A crash of LibreOffice is no failure here: ``convert_batch`` starts soffice again and
        converts the documents it left in new batches.
        """
        while True:
            batch, finished = self._next_batch()
            if self._failure is not None:  # another worker failed: results() raises, the rest is wasted
                return
            if batch:
                reported: set[ConversionJob] = set()
                try:
                    errors = self._convert(batch, slot, reported)
                except BaseException as err:  # handed to the main thread by results()
                    self._failure = err
                    return
                finally:
                    with self._lock:
                        self._idle += 1
                for job in batch:
                    if job not in reported:
                        self._results.put((job, errors.get(job.target, "")))
            if finished:
                return

    def _convert(self, batch: list[ConversionJob], slot: int, reported: set[ConversionJob]) -> dict[Path, str]:
        """Convert ``batch``; a converter whose ``convert_batch`` takes ``done`` hands each finished
        document over at once, so that it is checked and bundled while LibreOffice goes on with the rest."""
        if not self._streams:
            return self.converter.convert_batch(batch, slot)

        def done(job: ConversionJob, error: str) -> None:
            reported.add(job)
            self._results.put((job, error))

        return self.converter.convert_batch(batch, slot, done=done)  # type: ignore[call-arg]

    def _next_batch(self) -> tuple[list[ConversionJob], bool]:
        """Take the next batch: an even share, among the idle workers, of the jobs still expected
        (at most FILES_PER_CALL).

        Every soffice call costs about a second of start-up, so a worker waits until its share
        has been rendered (rendering is far quicker) instead of starting on the first document;
        sharing evenly among the idle workers keeps every core busy from the first documents
        (33 letters: two batches) and the workers finishing together. Merged conversion makes a
        document cheap, so even a small rest is worth its own worker.
        """
        with self._collecting:
            return self._fill_batch()

    def _fill_batch(self) -> tuple[list[ConversionJob], bool]:
        first = self._jobs.get()
        if first is _DONE:
            return [], True
        batch = [first]
        with self._lock:
            target = max(1, min(FILES_PER_CALL, math.ceil(self._expected / max(1, self._idle))))
            self._idle -= 1
        while len(batch) < target:
            try:
                job = self._jobs.get(timeout=0.05)
            except queue.Empty:
                continue
            if job is _DONE:
                self._take(batch)
                return batch, True
            batch.append(job)
        self._take(batch)
        return batch, False

    def _take(self, batch: list[ConversionJob]) -> None:
        with self._lock:
            self._expected = max(0, self._expected - len(batch))

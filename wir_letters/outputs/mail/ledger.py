"""``OUT/_mail/sent.jsonl``: what was sent to whom, so no bundle is ever sent twice by accident.

One JSON object a line, appended and flushed to disk before the next message goes out:
``{"id", "addresses", "message_id", "time", "bundle_sha256", "state"}``. ``state`` is
``sending`` just before a message is handed to the server, then ``sent`` when the server took
it, or ``failed`` when it refused it. A ``sending`` with nothing after it means the run ended
while the server had the message (killed, or the connection dropped): it may have gone out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

SENT_LOG = "sent.jsonl"


class Delivery(StrEnum):
    """What the record says of one message."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class SentRecord:
    """One line of the log."""

    id: str
    addresses: list[str]
    message_id: str
    time: str  # ISO 8601 with the UTC offset
    bundle_sha256: str
    state: Delivery
    error: str = ""

    @property
    def when(self) -> str:
        """The time for people: ``2026-11-27 10:02``."""
        return self.time[:16].replace("T", " ")


class SentLog:
    """The log of one output folder; ``last(id)`` is the newest record of a recipient."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.damaged_lines: list[int] = []
        self._last: dict[str, SentRecord] = {}
        for record in self._read():
            self._last[record.id] = record

    def last(self, recipient_id: str) -> SentRecord | None:
        """The newest record of ``recipient_id``, or None when nothing was ever sent to it."""
        return self._last.get(recipient_id)

    def append(self, record: SentRecord) -> None:
        """Add ``record`` and make it durable before returning (flush and fsync)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self._last[record.id] = record

    def _read(self) -> Iterator[SentRecord]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        for number, line in enumerate(lines, start=1):
            try:
                data = json.loads(line)
                yield SentRecord(**{**data, "state": Delivery(data["state"])})
            except (ValueError, TypeError, KeyError):
                self.damaged_lines.append(number)  # a line cut off by a crash: skipped, not trusted


def now() -> str:
    """The current time as the log records it (local time with its UTC offset, seconds)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")

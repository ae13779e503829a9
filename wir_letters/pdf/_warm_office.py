"""One warm LibreOffice for ``warm``: soffice listening on a pipe, and the UNO helper that drives it.

Both are started by the converter's launcher thread (it lives as long as the converter) with
a parent-death signal, in their own process groups; ``stop`` kills the groups.
"""

from __future__ import annotations

import itertools
import json
import os
import select
import shutil
import subprocess
import time
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from wir_letters.i18n import N_
from wir_letters.inputs.values import Phrase
from wir_letters.pdf._print_copy import write_print_copy
from wir_letters.pdf._profile_seed import drop_seed, start_from_seed
from wir_letters.pdf._soffice import MAX_STARTS, RESTART, Soffice, _die_with_parent, kill_group, office_environment

READY_SECONDS = 90.0  # a first start with a new profile (and its restart) on a loaded machine
HELPER = Path(__file__).with_name("_uno_server.py")
_PIPES = itertools.count(1)


class OfficeDied(Exception):
    """soffice or its helper ended, or did not answer in time (``phrase`` says which: an English
    template and its parameters, shown translated)."""

    def __init__(self, message: str, /, **params: Any) -> None:
        self.phrase = Phrase(message, params)
        super().__init__(self.phrase)


class Office:
    """soffice plus helper for one worker slot; ``folder`` holds its profile and scratch files."""

    def __init__(self, office: Soffice, folder: Path, python: str, launcher: Executor) -> None:
        self.office, self.folder, self.python, self.launcher = office, folder, python, launcher
        self.soffice: subprocess.Popen[bytes] | None = None
        self.helper: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    @property
    def profile(self) -> Path:
        """This soffice's LibreOffice profile."""
        return self.folder / "profile"

    @property
    def running(self) -> bool:
        """Both processes are up."""
        return all(p is not None and p.poll() is None for p in (self.soffice, self.helper))

    @property
    def pid(self) -> int:
        """soffice's process id (0 when not started)."""
        return self.soffice.pid if self.soffice else 0

    def start(self) -> None:
        """Start soffice and the helper; return when the helper is connected.

        Raises:
            OSError: a program cannot be started. OfficeDied: LibreOffice did not come up.
        """
        self.stop()
        (self.folder / "scratch").mkdir(parents=True, exist_ok=True)
        seeded = self.office.direct and start_from_seed(self.profile, self.office.program)  # as a build's workers
        pipe = f"wir-letters-{os.getpid()}-{next(_PIPES)}"
        self.soffice = self._launch(self._soffice_command(pipe), self.office.direct)
        self.helper = self._launch([self.python, str(HELPER), pipe], False, pipes=True)
        self._buffer = b""
        starts = 1
        deadline = time.monotonic() + READY_SECONDS
        while (line := self._read_line(deadline, waiting=True)) is None:
            if self.soffice.poll() == RESTART and self.office.direct and starts < MAX_STARTS:
                starts += 1  # a new profile: soffice.bin asks to be started again
                self.soffice = self._launch(self._soffice_command(pipe), True)
                continue
            self.stop()
            if seeded:  # the seed may be what failed: the next start makes a new profile
                drop_seed(self.office.program)
                shutil.rmtree(self.profile, ignore_errors=True)
            raise OfficeDied(N_("did not start"))
        if not json.loads(line).get("ready"):
            raise OfficeDied(N_("helper said {line!r}"), line=line)

    def convert(self, source: Path, filter_name: str, options: str, timeout: float) -> Path | str:
        """Convert ``source``; return the PDF made in the scratch folder, or LibreOffice's error text.

        Raises:
            OfficeDied: soffice crashed or did not finish within ``timeout`` seconds.
        """
        scratch = self.folder / "scratch"
        staged, produced = scratch / "0000.docx", scratch / "0000.pdf"  # the names soffice --convert-to sees
        produced.unlink(missing_ok=True)
        write_print_copy(source, staged)
        request = {"source": str(staged), "target": str(produced), "filter": filter_name, "options": options}
        assert self.helper is not None and self.helper.stdin is not None
        try:
            self.helper.stdin.write(json.dumps(request).encode() + b"\n")
            self.helper.stdin.flush()
        except OSError as err:
            raise OfficeDied(N_("crashed")) from err
        line = self._read_line(time.monotonic() + timeout)
        if line is None:
            if not self.running:
                raise OfficeDied(N_("crashed"))
            raise OfficeDied(N_("made no progress for {seconds} s"), seconds=f"{timeout:.0f}")
        reply = json.loads(line)
        if reply.get("died") or not self._soffice_alive():
            raise OfficeDied(N_("crashed"))
        if reply.get("ok") and produced.is_file() and produced.stat().st_size:
            return produced
        return str(reply.get("error") or "no PDF was made")

    def stop(self) -> None:
        """Kill both processes (and whatever they started)."""
        for process in (self.helper, self.soffice):
            if process is not None:
                kill_group(process)
                for stream in (process.stdin, process.stdout):
                    if stream is not None:
                        stream.close()
        self.helper = self.soffice = None

    def _soffice_alive(self) -> bool:
        return self.soffice is not None and self.soffice.poll() is None

    def _soffice_command(self, pipe: str) -> list[str]:
        return [self.office.program, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                "--nolockcheck", f"-env:UserInstallation={self.profile.resolve().as_uri()}",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]

    def _launch(self, command: list[str], direct: bool, pipes: bool = False) -> subprocess.Popen[bytes]:
        """Start ``command`` from the launcher thread, so its parent-death signal outlives pool threads."""
        env = office_environment(direct)
        channel = subprocess.PIPE if pipes else subprocess.DEVNULL
        return self.launcher.submit(
            subprocess.Popen, command, stdin=channel, stdout=channel, stderr=subprocess.DEVNULL,
            start_new_session=True, env=env, preexec_fn=_die_with_parent()).result()

    def _read_line(self, deadline: float, waiting: bool = False) -> bytes | None:
        """The helper's next line; None when it ends, soffice ends (unless ``waiting`` for a
        restart) or ``deadline`` passes."""
        assert self.helper is not None and self.helper.stdout is not None
        fd = self.helper.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (not waiting and not self._soffice_alive()):
                return None
            if waiting and self.soffice is not None and self.soffice.poll() is not None:
                return None  # start() decides: restart (exit code 81) or give up
            readable, _, _ = select.select([fd], [], [], min(0.1, remaining))
            if readable:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

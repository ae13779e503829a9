"""``status`` answered from a snapshot when nothing it read has changed (as ``git status`` uses its index).

A full ``status`` reads the campaign (validating it takes ~150 ms of imports alone), the list,
templates, attachments, manifest and outputs. While it runs, a Python audit hook notes every
file it opens and every folder it lists, and ``note`` adds the files it only checks (the
campaign's paths, each recipient's folder); afterwards the printed text is stored with the
size, mtime, ctime and inode of each of them and of their folders (a file added or deleted
changes its folder's times). The next ``status`` with the same arguments, language, settings
and wir_letters installation stats those paths and, when all are unchanged, prints the stored
text without importing anything else. ctime cannot be set by programs, so a file put back with
an old mtime (``cp -p``, unzip) still counts as changed. A snapshot is not stored when anything
recorded changed within 2 seconds before ``status`` began or while it ran (a change within the
same clock tick could go unseen), while a build is under way or was interrupted (its journal
exists), when ``status`` wrote anything to standard error, or when the campaign file itself was
not recorded. Snapshots live in ``$XDG_CACHE_HOME/wir-letters/status/``; any problem with them
only means a full ``status``.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import sys
import sysconfig
import time
from collections.abc import Iterable
from pathlib import Path

from wir_letters.caches import user_cache

_RACY_NS = 2_000_000_000  # a path changed this shortly before status began is not trusted
_CODE = Path(__file__).resolve().parent.parent  # the wir_letters package
_SKIP = (".py", ".pyc", ".so")  # code read by imports: covered by the key
_PYTHON = tuple({os.path.join(path, "") for name in ("stdlib", "platstdlib", "purelib", "platlib")
                 if (path := sysconfig.get_paths().get(name))})  # where imports read from
_recording: set[str] | None = None  # paths seen by the audit hook while a status runs
_seen: set[str] = set()  # the paths of the last recording
_started = 0  # time.time_ns() when the last recording began
_hooked = False

Stat = tuple[int, int, int, int] | None  # size, mtime_ns, ctime_ns, inode; None: missing


def snapshot_file(arguments: Iterable[object], language: str) -> Path | None:
    """Where the snapshot of a ``status`` with these (resolved) arguments and language lives
    (None when that cannot be known, e.g. without a home folder)."""
    try:
        code = [(str(p), _stat(str(p))) for pattern in ("*.py", "*.mo") for p in sorted(_CODE.rglob(pattern))]
        installed = [(p, _stat(p)) for p in sorted(glob.glob(os.path.join(
            sysconfig.get_paths()["purelib"], "wir_letters-*.dist-info", "METADATA")))]  # the version
        settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("WIR_LETTERS_"))
        key = json.dumps([[str(a) for a in arguments], language, os.getcwd(), settings, code, installed])
        folder = user_cache("status")
    except (OSError, RuntimeError, KeyError):  # no working folder, no home
        return None
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"


def replay(snapshot: Path | None) -> bool:
    """Print the stored text when every recorded path is unchanged; False when it cannot."""
    if snapshot is None:
        return False
    try:
        stored = json.loads(snapshot.read_text(encoding="utf-8"))
        if any(_stat(path) != (tuple(stat) if stat else None) for path, stat in stored["paths"]):
            return False
        text = stored["text"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def start_recording() -> None:
    """Begin noting the files and folders opened or listed (the hook is installed once)."""
    global _recording, _hooked, _started
    _recording, _started = set(), time.time_ns()
    if not _hooked:
        sys.addaudithook(_hook)
        _hooked = True


def note(paths: Iterable[Path]) -> None:
    """Record ``paths`` that status only checks (exists, is a file) without opening them."""
    if _recording is not None:
        _recording.update(os.path.abspath(path) for path in paths)


def stop_recording() -> None:
    """Stop noting paths (what was noted stays for ``store``)."""
    global _seen, _recording
    _seen, _recording = _recording or set(), None


def store(snapshot: Path | None, text: str, journal: Path, campaign: Path) -> bool:
    """Store ``text`` with the paths recorded until ``stop_recording`` unless that is unsafe (see above)."""
    seen = _seen
    if snapshot is None or journal.exists() or os.path.abspath(campaign) not in seen:
        return False
    paths = seen | {os.path.dirname(p) for p in seen}
    stats = {path: _stat(path) for path in sorted(paths)}
    if any(stat is not None and max(stat[1], stat[2]) > _started - _RACY_NS for stat in stats.values()):
        return False
    data = json.dumps({"text": text, "paths": list(stats.items())}, ensure_ascii=False)
    from wir_letters.files import write_atomic  # not needed to replay: tempfile imports random (10 ms)
    try:
        write_atomic(snapshot, data.encode("utf-8"), durable=False)
    except OSError:
        return False  # a cache: a read-only home only makes status slower
    return True


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _recording is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    target = args[0] if args else None
    if target is None and event != "open":
        target = "."
    if isinstance(target, (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(target))
        if not path.endswith(_SKIP) and not path.startswith(_PYTHON) and ".dist-info" not in path:
            _recording.add(path)


def _stat(path: str) -> Stat:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino

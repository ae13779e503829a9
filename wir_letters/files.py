"""Crash-safe files: atomic writes (temporary file, then rename), hashing, locking, retiring."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO, cast

import yaml


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()  # read once, at import: os.umask can only be read by setting it


def write_atomic(target: Path, data: bytes, durable: bool = True) -> bool:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never half.

    A target that already holds exactly ``data`` is left untouched (same inode and mtime).
    ``durable=False`` skips the sync to disk (for caches that can be made again).

    Returns:
        True when the file was written, False when it already held ``data``.
    """
    if _holds(target, data):
        return False
    return _replace(target, lambda handle: handle.write(data), keep_same=False, durable=durable)


def write_text_atomic(target: Path, write: Callable[[TextIO], None]) -> bool:
    """Like ``write_atomic`` for text produced piece by piece by ``write(handle)``: a large file
    is never held in memory whole. An unchanged file is left untouched.

    Returns:
        True when the file was written, False when it already held the same bytes.
    """

    def write_text(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", write_through=True)
        write(text)
        text.detach()

    return _replace(target, write_text, keep_same=True)


def _replace(target: Path, write: Callable[[BinaryIO], object], keep_same: bool, durable: bool = True) -> bool:
    """Write through a temporary file beside ``target``, synced, then renamed over it.

    With ``keep_same``, a target whose bytes equal the new file's is kept and the new one dropped.
    """
    fd, tmp = _temporary_beside(target)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are shared like any file
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:  # a cache that can be made again need not survive a power cut
                os.fsync(handle.fileno())
        if keep_same and target.is_file() and target.stat().st_size == tmp.stat().st_size \
                and sha256_file(target) == sha256_file(tmp):
            tmp.unlink()
            return False
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new temporary file in ``target``'s folder, made first if missing (a build writes thousands
    of files into folders that exist: no mkdir call for each)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    return fd, Path(name)


def sync_filesystem(folder: Path) -> None:
    """Bring every file written on ``folder``'s file system to disk (Linux ``syncfs``, else ``sync``):
    one flush for all outputs of a build step instead of one ``fsync`` per file."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        if _syncfs is None:
            os.sync()
        elif _syncfs(fd) != 0:
            error = ctypes.get_errno()
            if error != errno.ENOSYS:
                raise OSError(error, os.strerror(error), str(folder))  # e.g. EIO: the outputs may be lost
            os.sync()
    finally:
        os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        return cast(Callable[[int], int], ctypes.CDLL(None, use_errno=True).syncfs)
    except (OSError, AttributeError):  # not Linux, or a C library without syncfs
        return None


_syncfs = _load_syncfs()


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block; the OS frees it if the process dies.

    Raises:
        BlockingIOError: when another process holds the lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def retire(paths: list[Path], folder: Path) -> list[Path]:
    """Move existing ``paths`` into ``folder`` (a new numbered folder if it exists); return new paths."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return []
    target, n = folder, 1
    while target.exists():
        n += 1
        target = folder.with_name(f"{folder.name}-{n}")
    target.mkdir(parents=True)
    moved = []
    for path in existing:
        destination = target / path.name
        os.replace(path, destination)
        moved.append(destination)
    return moved


def remove_leftovers(folder: Path, patterns: tuple[str, ...] = (".*.tmp",)) -> None:
    """Delete what an interrupted run left in ``folder``: temporary files and scratch folders."""
    if not folder.is_dir():
        return
    for pattern in patterns:
        for path in folder.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def load_yaml(text: str) -> Any:
    """Parse YAML safely, with libyaml's C parser when present (a fraction of the memory and time)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe loaders)

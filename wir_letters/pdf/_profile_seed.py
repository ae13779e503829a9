"""A LibreOffice profile made once per installation and copied for each worker.

A new profile costs soffice a restart and, on its first real start, LibreOffice's one-time work
(its graphics render tests, the registration of bundled extensions). With LibreOffice 25.2 that
soffice used about 0.5 CPU-s more and kept about 40 MB more resident memory for its whole life.
So the first profile that converted without a failure is kept as the *seed*, in
``$XDG_CACHE_HOME/wir-letters/lo-seed/<installation>``, and later workers start from a copy.

The installation key covers the path, size and modification time of soffice.bin and of
LibreOffice's main library: an upgraded LibreOffice gets a new seed. A failing soffice that started
from the seed deletes it (the next success makes a new one). Any problem with the cache folder
only means a new profile, as without a seed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from wir_letters.caches import user_cache

SEED_DIR = "lo-seed"
_SKIPPED = shutil.ignore_patterns(".lock", "*.tmp")  # what a running soffice keeps only for itself
STALE_SECONDS = 600.0  # a scratch copy this old was left by a killed build (a copy takes milliseconds)


def seed_folder(program: str) -> Path | None:
    """Where the seed profile of the LibreOffice that runs ``program`` lives (None: no cache folder)."""
    try:
        binary = Path(program).resolve()
        stats = [(str(path), path.stat().st_size, path.stat().st_mtime_ns)
                 for path in (binary, binary.parent / "libmergedlo.so") if path.exists()]
        folder = user_cache(SEED_DIR)
    except (OSError, RuntimeError):  # no home folder
        return None
    return folder / hashlib.sha256(repr(stats).encode()).hexdigest()[:24]


def start_from_seed(profile: Path, program: str) -> bool:
    """Copy the seed into ``profile`` when the profile does not exist yet; True when it did."""
    if profile.exists():  # a later batch of the same worker: nothing to look up
        return False
    seed = seed_folder(program)
    if seed is None or not seed.is_dir():
        return False
    try:
        shutil.copytree(seed, profile, symlinks=True, ignore=_SKIPPED)
    except OSError:
        shutil.rmtree(profile, ignore_errors=True)
        return False
    return True


def keep_as_seed(profile: Path, program: str) -> None:
    """Save ``profile`` (after a soffice run without failure) as the seed, unless there is one.

    The copy is made beside the seed and renamed into place: a seed is complete or absent.
    """
    seed = seed_folder(program)
    if seed is None or seed.exists() or not profile.is_dir():
        return
    scratch: Path | None = None
    try:
        seed.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_scratch(seed.parent)
        scratch = Path(tempfile.mkdtemp(prefix=f".{seed.name}-", suffix=".tmp", dir=seed.parent))  # own to this call
        shutil.copytree(profile, scratch, symlinks=True, ignore=_SKIPPED, dirs_exist_ok=True)
        os.utime(scratch)  # copytree gave it the profile's time: it must not look stale to another saver
        scratch.rename(seed)
    except OSError:  # another worker or build saved it first, or the cache cannot be written
        pass
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def drop_seed(program: str) -> None:
    """Delete the seed (a soffice that started from it failed)."""
    seed = seed_folder(program)
    if seed is None:
        return
    doomed = seed.with_name(f".{seed.name}-dropped-{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        seed.rename(doomed)  # readers see the whole seed or none, never half of it
    except OSError:
        return
    shutil.rmtree(doomed, ignore_errors=True)


def _remove_stale_scratch(folder: Path) -> None:
    """Delete the scratch copies (``.*.tmp``) that a build killed while saving or dropping a seed left."""
    limit = time.time() - STALE_SECONDS
    for scratch in folder.glob(".*.tmp"):
        try:
            if scratch.stat().st_mtime < limit:
                shutil.rmtree(scratch, ignore_errors=True)
        except OSError:
            continue

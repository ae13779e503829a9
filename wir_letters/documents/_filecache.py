"""Results computed from a template file, kept while the file is unchanged."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def per_file_version(maxsize: int) -> Callable[[Callable[[Path], T]], Callable[[Path], T]]:
    """Cache a function of a file by its path, size and modification time: an edited file is read again.

    Args:
        maxsize: how many file versions to keep (least recently used ones go first).
    """

    def decorate(function: Callable[[Path], T]) -> Callable[[Path], T]:
        @functools.lru_cache(maxsize=maxsize)
        def cached(path: Path, size: int, mtime_ns: int) -> T:
            return function(path)

        @functools.wraps(function)
        def lookup(path: Path) -> T:
            stat = path.stat()
            return cached(path, stat.st_size, stat.st_mtime_ns)

        return lookup

    return decorate

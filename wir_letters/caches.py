"""Where wir_letters keeps caches that only save time (standard library only: ``status`` imports it)."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache(*parts: str) -> Path:
    """``$XDG_CACHE_HOME/wir-letters/<parts>`` (``~/.cache`` without the variable).

    Raises:
        RuntimeError: there is no home folder to put it in.
    """
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home, "wir-letters", *parts)

"""One lock for pdfium: it is not thread-safe, and the text check and the report's page images
both use it while a build runs."""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.Lock()  # hold it around every pypdfium2 call

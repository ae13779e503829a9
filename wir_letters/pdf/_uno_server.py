"""Run by ``warm`` with the system Python (``/usr/bin/python3``, where LibreOffice's ``uno`` lives):
connect to a running soffice over a pipe, then convert one document per request.

Standalone: imports nothing of wir_letters. Protocol, one JSON object per line: it prints
``{"ready": true}`` once connected, then reads ``{"source", "target", "filter", "options"}`` and
answers ``{"ok": true}`` or ``{"error": "...", "died": bool}`` (``died``: the connection
to soffice is gone). It ends when its input ends.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]  # LibreOffice's Python bridge (python3-uno)
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

CONNECT_SECONDS = 60.0


def _prop(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str) -> Any:
    """The Desktop of the soffice listening on ``pipe`` (it may still be starting)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # NoConnectException until soffice listens
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop: Any, request: dict[str, str]) -> None:
    """Load the document hidden and read-only, as ``soffice --convert-to`` does, and export it."""
    load = (_prop("Hidden", True), _prop("ReadOnly", True))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["source"]), "_blank", 0, load)
    if document is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        store = [_prop("FilterName", request["filter"]), _prop("Overwrite", True)]
        if request["options"]:
            store.append(_prop("FilterOptions", request["options"]))
        document.storeToURL(uno.systemPathToFileUrl(request["target"]), tuple(store))
    finally:
        try:
            document.close(True)
        except Exception:
            document.dispose()


def main(pipe: str) -> None:
    """Serve conversion requests from standard input until it ends."""
    desktop = _connect(pipe)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            _convert(desktop, json.loads(line))
            reply: dict[str, object] = {"ok": True}
        except Exception as err:  # a UNO error (soffice crashed, a document it cannot open): tell the caller
            text = f"{type(err).__name__}: {err}".strip()
            reply = {"error": text, "died": "disposed" in text.lower() or "bridge" in text.lower()}
        print(json.dumps(reply), flush=True)
        if reply.get("died"):
            return  # the connection is gone: the caller starts LibreOffice and this helper again


if __name__ == "__main__":
    main(sys.argv[1])

"""The error of a Word field switch that cannot format a value, shown in the chosen language."""

from __future__ import annotations

from typing import Any

from wir_letters.i18n import render


class FieldValueError(ValueError):
    """A value a Word field (``\\#``, ``\\@``, IF) cannot handle: an English template (``N_``) and its
    parameters; ``str()`` shows it in the chosen language (it reaches the user inside a Problem)."""

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return render(self.message, self.params)

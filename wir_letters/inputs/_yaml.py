"""Reading the YAML files of a mailing (campaign.yaml, recipient lists, tables) with one error message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from wir_letters.errors import InputError, Problem
from wir_letters.files import load_yaml


def read_yaml(path: Path, error: type[InputError]) -> Any:
    """Return the parsed content of a UTF-8 YAML file.

    Args:
        path: the file.
        error: the error to raise, e.g. ``CampaignError`` or ``RecipientError``.

    Raises:
        InputError: (``error``) naming the file when it is not valid UTF-8 or not valid YAML.
    """
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise error(Problem(str(path), f"not valid UTF-8 YAML: {err}")) from err

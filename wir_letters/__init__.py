"""wir_letters: fill Word templates per recipient, convert them to PDF, bundle them with attachments.

    from wir_letters import load_campaign, check, build
    campaign = load_campaign("campaign.yaml")
    problems = check(campaign)
    result = build(campaign)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wir_letters.builder.build import BuildResult, RecipientResult, Reporter, assess_all, build
    from wir_letters.inputs.campaign import Campaign, load_campaign
    from wir_letters.checks.preflight import check, preflight
    from wir_letters.errors import (
        BuildLocked,
        CampaignError,
        ConverterFailed,
        ConverterMissing,
        DiskFull,
        EnvironmentProblem,
        InputError,
        OutputNotWritable,
        Problem,
        RecipientError,
        TemplateError,
        WirLettersError,
    )
    from wir_letters.inputs.recipients import (
        Recipient,
        RecipientList,
        Recipients,
        Schema,
        load_recipients,
        make_recipient,
        read_recipients,
    )
    from wir_letters.builder.status import Reason, ReasonKind, State, Status
    from wir_letters.version import __version__

# Each public name and the module it lives in. The names are imported on first use, so that
# ``wir-letters --help`` does not load pydantic, docxtpl, pypdf, LibreOffice's helpers … .
_HOMES = {
    "BuildResult": "wir_letters.builder.build",
    "RecipientResult": "wir_letters.builder.build",
    "Reporter": "wir_letters.builder.build",
    "assess_all": "wir_letters.builder.build",
    "build": "wir_letters.builder.build",
    "Campaign": "wir_letters.inputs.campaign",
    "load_campaign": "wir_letters.inputs.campaign",
    "check": "wir_letters.checks.preflight",
    "preflight": "wir_letters.checks.preflight",
    "BuildLocked": "wir_letters.errors",
    "CampaignError": "wir_letters.errors",
    "ConverterFailed": "wir_letters.errors",
    "ConverterMissing": "wir_letters.errors",
    "DiskFull": "wir_letters.errors",
    "EnvironmentProblem": "wir_letters.errors",
    "InputError": "wir_letters.errors",
    "OutputNotWritable": "wir_letters.errors",
    "Problem": "wir_letters.errors",
    "RecipientError": "wir_letters.errors",
    "TemplateError": "wir_letters.errors",
    "WirLettersError": "wir_letters.errors",
    "Recipient": "wir_letters.inputs.recipients",
    "RecipientList": "wir_letters.inputs.recipients",
    "Recipients": "wir_letters.inputs.recipients",
    "Schema": "wir_letters.inputs.recipients",
    "load_recipients": "wir_letters.inputs.recipients",
    "make_recipient": "wir_letters.inputs.recipients",
    "read_recipients": "wir_letters.inputs.recipients",
    "Reason": "wir_letters.builder.status",
    "ReasonKind": "wir_letters.builder.status",
    "State": "wir_letters.builder.status",
    "Status": "wir_letters.builder.status",
    "__version__": "wir_letters.version",
}

__all__ = [
    "BuildLocked",
    "BuildResult",
    "Campaign",
    "CampaignError",
    "ConverterFailed",
    "ConverterMissing",
    "DiskFull",
    "EnvironmentProblem",
    "InputError",
    "OutputNotWritable",
    "Problem",
    "Reason",
    "ReasonKind",
    "Recipient",
    "RecipientList",
    "Recipients",
    "RecipientError",
    "RecipientResult",
    "Schema",
    "Reporter",
    "State",
    "Status",
    "TemplateError",
    "WirLettersError",
    "__version__",
    "assess_all",
    "build",
    "check",
    "load_campaign",
    "load_recipients",
    "preflight",
    "make_recipient",
    "read_recipients",
]


def __getattr__(name: str) -> object:
    """Import a public name on first use (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wir_letters' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""wir_letters: fill Word templates per recipient, convert them to PDF, bundle them with attachments.

    from wir_letters import load_campaign, check, build
    campaign = load_campaign("campaign.yaml")
    problems = check(campaign)
    result = build(campaign)
"""

__version__ = "0.1.0"

from .build import BuildResult, RecipientResult, Reporter, assess_all, build  # noqa: E402
from .campaign import Campaign, load_campaign  # noqa: E402
from .check import check, preflight  # noqa: E402
from .errors import (  # noqa: E402
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
from .recipients import Recipient, load_recipients, read_recipients  # noqa: E402
from .status import Status  # noqa: E402

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
    "Recipient",
    "RecipientError",
    "RecipientResult",
    "Reporter",
    "Status",
    "TemplateError",
    "WirLettersError",
    "assess_all",
    "build",
    "check",
    "load_campaign",
    "load_recipients",
    "preflight",
    "read_recipients",
]

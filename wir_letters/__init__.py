"""wir_letters: fill Word templates per recipient, convert them to PDF, bundle them with attachments.

    from wir_letters import load_campaign, check, build
    campaign = load_campaign("campaign.yaml")
    problems = check(campaign)
    result = build(campaign)
"""


from wir_letters.builder.build import BuildResult, RecipientResult, Reporter, assess_all, build  # noqa: E402
from wir_letters.inputs.campaign import Campaign, load_campaign  # noqa: E402
from wir_letters.checks.preflight import check, preflight  # noqa: E402
from wir_letters.errors import (  # noqa: E402
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
from wir_letters.inputs.recipients import Recipient, load_recipients, read_recipients  # noqa: E402
from wir_letters.builder.status import Status  # noqa: E402
from wir_letters.version import __version__  # noqa: E402

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
    "__version__",
    "assess_all",
    "build",
    "check",
    "load_campaign",
    "load_recipients",
    "preflight",
    "read_recipients",
]

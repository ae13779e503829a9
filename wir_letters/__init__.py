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
from wir_letters.inputs.recipients import (  # noqa: E402
    Recipient,
    RecipientList,
    Recipients,
    Schema,
    load_recipients,
    make_recipient,
    read_recipients,
)
from wir_letters.builder.status import Reason, ReasonKind, State, Status  # noqa: E402
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

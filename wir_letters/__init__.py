"""wir_letters: fill Word templates per recipient, convert to PDF, bundle with attachments."""

__version__ = "0.1.0"

from .build import BuildResult, RecipientResult, assess_all, build  # noqa: E402
from .campaign import Campaign, load_campaign  # noqa: E402
from .check import check, preflight  # noqa: E402
from .errors import (  # noqa: E402
    BuildLocked,
    CampaignError,
    ConversionError,
    ConverterMissing,
    EnvironmentProblem,
    InputError,
    Problem,
    RecipientError,
    TemplateError,
    WirLettersError,
)
from .recipients import Recipient, load_recipients  # noqa: E402
from .status import Status  # noqa: E402

__all__ = [
    "BuildLocked", "BuildResult", "Status", "assess_all", "Campaign", "CampaignError", "ConversionError", "ConverterMissing",
    "EnvironmentProblem", "InputError", "Problem", "Recipient", "RecipientError", "RecipientResult",
    "TemplateError", "WirLettersError", "build", "check", "preflight", "load_campaign", "load_recipients",
]

"""click's own words (usage line, headings, its errors) in the chosen language.

click marks them with ``gettext`` of the default domain, which has no German catalog; here they
are listed with ``N_`` so that ``pybabel extract`` puts them into wir_letters' catalog, and click's
modules are given wir_letters' ``gettext_`` instead.
"""

from __future__ import annotations

import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from wir_letters.i18n import N_, gettext_

WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Show the version and exit."),
    N_("default: {default}"), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Missing argument"), N_("Missing option"),
    N_("Missing parameter: {param_name}"), N_("Invalid value for {param_hint}: {message}"),
    N_("{value!r} is not a valid {number_type}."), N_("{value} is not in the range {range}."),
    N_("Option {name!r} does not take a value."), N_("Aborted!"),
)


def install() -> None:
    """Make click show its words through wir_letters' catalog."""
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        module._ = gettext_  # type: ignore[attr-defined]

"""What every command shares: the click group, the consoles, the common options, exit codes and
how problems are printed. The ``cli`` package is the only code that prints or exits.

Start-up stays short (``wir-letters --help`` in well under 0.2 s): this module imports only
click; rich is imported when a console first prints, and each command imports the modules it
needs inside its function (see ``wir_letters.cli``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from wir_letters.cli._click_words import install as install_click_words
from wir_letters.i18n import LANGUAGES, N_, render, set_language

if TYPE_CHECKING:
    from rich.console import Console

    from wir_letters.errors import Problem

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT / SIGTERM, as shells report them
SEVERITIES = {"error": N_("error"), "note": N_("note")}  # how a problem's severity is shown



class LazyConsole:
    """A rich ``Console`` made on first use (importing rich takes about 50 ms)."""

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr
        self.tee: list[str] | None = None  # while set, the plain text of every print is kept here too
        self.tee_plain = True  # False once something other than plain text was printed while teeing

    @cached_property
    def real(self) -> Console:
        """The rich console itself (for rich's own widgets, such as a progress bar)."""
        from rich.console import Console
        return Console(stderr=self.stderr, highlight=False, soft_wrap=True, emoji=False)  # ids are not emoji codes

    def print(self, *objects: Any, **options: Any) -> None:
        """``Console.print``."""
        if self.tee is not None:
            plain = options == {"markup": False} and all(isinstance(o, str) for o in objects)
            self.tee_plain = self.tee_plain and plain
            self.tee.append(" ".join(map(str, objects)) + "\n")
        self.real.print(*objects, **options)

    @property
    def is_terminal(self) -> bool:
        """Whether the console writes to a terminal."""
        return self.real.is_terminal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = LazyConsole(stderr=False)
errors = LazyConsole(stderr=True)

class TranslatedOption(click.Option):
    """An option whose help text (an English template) is shown in the chosen language."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        original = self.help
        self.help = render(original) if original else original
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


class TranslatedCommand(click.Command):
    """A command whose help text is shown in the chosen language."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = render(original) if original else original
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def get_short_help_str(self, limit: int = 45) -> str:
        original = self.help
        self.help = render(original) if original else original
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = original


class TranslatedGroup(TranslatedCommand, click.Group):
    """The command group: its commands and options show their help in the chosen language."""

    command_class = TranslatedCommand


Command = TypeVar("Command", bound=Callable[..., Any])


def option(*names: str, **attrs: Any) -> Callable[[Command], Command]:
    """``click.option`` whose ``help`` (written with ``N_``) is shown in the chosen language."""
    return click.option(*names, cls=TranslatedOption, **attrs)


def split_ids(values: Sequence[str]) -> tuple[str, ...]:
    """Recipient ids given repeated (``--only a --only b``) or comma-separated (``--only a,b``)."""
    return tuple(i.strip() for value in values for i in value.split(",") if i.strip())


def say(target: LazyConsole, message: str, **params: object) -> None:
    """Print ``message`` (an English template) in the chosen language, filled with ``params``."""
    target.print(render(message, params), markup=False)


campaign_option = option("-c", "--campaign", "campaign_path", type=click.Path(path_type=Path),
                         default=Path("campaign.yaml"), show_default=True, help=N_("The campaign file."))
recipients_option = option("--recipients", type=click.Path(path_type=Path),
                           help=N_("Use this recipient list (.yaml, .csv, .xlsx) instead of the campaign's."))
sheet_option = option("--sheet", metavar="NAME",
                      help=N_("Read this sheet of an .xlsx list (default: the campaign's sheet, else the first)."))
out_option = option("--out", type=click.Path(path_type=Path),
                    help=N_("The build's output folder (default: the campaign's)."))


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


install_click_words()


@click.group(cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Fill Word templates for each recipient, convert them to PDF and bundle them."))
@click.version_option(package_name="wir-letters", cls=TranslatedOption, help=N_("Show the version and exit."))
@option("--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False, callback=_choose_language,
        help=N_("Language of the messages (default: from LANG / LC_MESSAGES or WIR_LETTERS_LANG)."))
def cli() -> None:
    """The ``wir-letters`` command group."""


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems grouped by file, errors before notes, each with its place and fix."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    for file, found in by_file.items():
        if file:
            errors.print(file, markup=False)
        for problem in sorted(found, key=lambda p: p.severity != "error"):
            errors.print(f"  {render(SEVERITIES.get(problem.severity, problem.severity))}: "
                         f"{problem.describe(with_file=False)}", markup=False)



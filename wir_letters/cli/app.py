"""What every command shares: the click group, the consoles, the common options, exit codes and
how problems are printed. The ``cli`` package is the only code that prints or exits.

Start-up stays short (``wir-letters --help`` in well under 0.2 s): this module imports only
click; rich is imported when a console first prints, and each command imports the modules it
needs inside its function (see ``wir_letters.cli``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from wir_letters.errors import Problem

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT / SIGTERM, as shells report them



class LazyConsole:
    """A rich ``Console`` made on first use (importing rich takes about 50 ms)."""

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr

    @cached_property
    def real(self) -> Console:
        """The rich console itself (for rich's own widgets, such as a progress bar)."""
        from rich.console import Console
        return Console(stderr=self.stderr, highlight=False, soft_wrap=True)

    def print(self, *objects: Any, **options: Any) -> None:
        """``Console.print``."""
        self.real.print(*objects, **options)

    @property
    def is_terminal(self) -> bool:
        """Whether the console writes to a terminal."""
        return self.real.is_terminal

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


console = LazyConsole(stderr=False)
errors = LazyConsole(stderr=True)

campaign_option = click.option("-c", "--campaign", "campaign_path", type=click.Path(path_type=Path),
                               default=Path("campaign.yaml"), show_default=True, help="The campaign file.")
recipients_option = click.option("--recipients", type=click.Path(path_type=Path),
                                 help="Use this recipient list (.yaml, .csv, .xlsx) instead of the campaign's.")
sheet_option = click.option("--sheet", metavar="NAME",
                            help="Read this sheet of an .xlsx list (default: the campaign's sheet, else the first).")
out_option = click.option("--out", type=click.Path(path_type=Path),
                          help="The build's output folder (default: the campaign's).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wir-letters")
def cli() -> None:
    """Fill Word templates for each recipient, convert them to PDF and bundle them."""


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems grouped by file, errors before notes, each with its place and fix."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    for file, found in by_file.items():
        if file:
            errors.print(file, markup=False)
        for problem in sorted(found, key=lambda p: p.severity != "error"):
            errors.print(f"  {problem.severity}: {problem.describe(with_file=False)}", markup=False)



"""What every command shares: the click group, the consoles, the common options, exit codes and
how problems are printed. The ``cli`` package is the only code that prints or exits."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console

from wir_letters.errors import Problem

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT / SIGTERM, as shells report them

console = Console(stderr=False, highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

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



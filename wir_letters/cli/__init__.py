"""The ``wir-letters`` command line: the only code that prints or exits.

Exit codes: 0 success, 1 a problem in the user's input, 2 wrong usage, 3 the environment,
130 stopped with Ctrl-C, 143 stopped with SIGTERM.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence

import click

from wir_letters.cli import commands, mail  # registers the commands
from wir_letters.cli import status, watch  # registers status and watch
from wir_letters.cli.app import EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE, cli, errors, print_problems, say
from wir_letters.errors import InputError, WirLettersError
from wir_letters.i18n import N_

__all__ = ["cli", "commands", "mail", "main", "status", "watch"]


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop at once, keep what is complete."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI; turn wir_letters errors into a message and an exit code."""
    on_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if on_main_thread else None
    try:
        _run(argv)
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _run(argv: Sequence[str] | None) -> None:
    """Run the command; every way it can end becomes a message and an exit code."""
    try:
        cli.main(args=argv, prog_name="wir-letters", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_USAGE)
    except (click.Abort, KeyboardInterrupt) as stop:
        terminated = isinstance(stop, _Terminated) or isinstance(stop.__context__, _Terminated)
        say(errors, N_("Stopped. Every file written is complete; run the same command again to finish."))
        sys.exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
    except InputError as err:
        print_problems(err.problems)
        sys.exit(err.exit_code)
    except WirLettersError as err:
        say(errors, N_("error: {error}"), error=str(err))
        sys.exit(err.exit_code)

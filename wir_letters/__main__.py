"""``python -m wir_letters`` runs the CLI."""

from .cli import main

main()

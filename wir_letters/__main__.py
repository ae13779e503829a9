"""``python -m wir_letters`` runs the CLI."""

from wir_letters.cli import main

main()

"""``python -m bot`` runs the geodigest command line."""

from bot.cli import main

main()

"""``python -m bot`` runs the geodigest command line."""

from bot.service.cli import main

main()

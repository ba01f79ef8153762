"""Small `paxion` subcommands that belong to no larger module."""

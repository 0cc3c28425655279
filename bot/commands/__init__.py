"""Subcommands of the `hotline` command line that are more than a few lines each."""

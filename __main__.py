"""``python -m gradproof``: the command line."""
from gradproof.checks.cli import entry

entry()

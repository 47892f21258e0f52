"""``python -m gradproof``: the command line."""
import sys

from gradproof.checks.cli import main

sys.exit(main())

"""``python -m gradproof``: the command line."""
from gradproof.checks.cli import entry

if __name__ == "__main__":  # (importing this module must not end the importing process)
    entry()

"""Verification and the edges of the program: runner, numeric checks, report, CLI."""

"""The tests never read or write the persistent cache of verdicts (checks/cache.py).

Each test must decide its claims itself: a verdict remembered from another
run (or another checkout) would hide a regression.  Tests of the cache set
their own directory and remove this variable.
"""
import os

os.environ["GRADPROOF_NO_CACHE"] = "1"

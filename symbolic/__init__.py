"""The mathematics of gradproof: activations, losses, layouts and the decision engine.

SymPy only: no rich, no I/O.  Teaching material may import this package alone.
"""

"""gradproof: a symbolic and numeric checker for the derivations of backpropagation.

The repository's top-level folders are this package's subpackages (``pyproject.toml`` maps the
repository root to ``gradproof``): ``gradproof.symbolic`` (the mathematics), ``gradproof.derivations``
(the documents, encoded step by step) and ``gradproof.checks`` (verification and the edges).
"""
__version__ = "0.1.0"

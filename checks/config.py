"""Configuration: ``[tool.gradproof]`` in ``pyproject.toml``, or ``gradproof.toml``.

The nearest file walking up from the working directory wins: in each directory
``gradproof.toml`` (keys at the top level, or under ``[tool.gradproof]``) is read
before ``pyproject.toml``, and a ``pyproject.toml`` without a ``[tool.gradproof]``
table is passed over, as ruff does.  Command-line options win over the file.

====================  ==================================================
key                   meaning
====================  ==================================================
``paths``             files and folders ``gradproof check`` reads when given none
``exclude``           globs of files never read (matched against the path
                      relative to the configuration's folder, each part of
                      it, and each of its parent folders)
``budget``            seconds per claim, a positive finite number
``allow-undecided``   ``true``: an undecided link does not fail the run
``jobs``              worker processes, at least 1
``format``            ``text``, ``json``, ``junit`` or ``github``
====================  ==================================================

An unknown key, or a value of the wrong type, is a :class:`ConfigError` that
names the file and the key.  Only ``tomllib`` is imported: reading the
configuration happens before any checking, and must stay cheap.

Examples
--------
>>> positive_seconds("2.5")
2.5
>>> positive_seconds("nan")
Traceback (most recent call last):
...
ValueError: must be a positive number of seconds (at most 86400), not 'nan'
"""
from __future__ import annotations

import fnmatch
import math
import tomllib
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

__all__ = ["FORMATS", "MAX_BUDGET", "VERSION", "Config", "ConfigError", "excluded", "find", "load", "positive_seconds"]

try:  # the one source of the version is pyproject.toml, read from the installed metadata
    VERSION = version("gradproof")
except PackageNotFoundError:  # pragma: no cover -- running from a checkout that was never installed
    VERSION = "0+unknown"

FORMATS = ("text", "json", "junit", "github")
MAX_BUDGET = 86_400.0  # a day per claim: beyond it a number is a typo, and timers overflow


class ConfigError(Exception):
    """The configuration file cannot be used: ``FILE: message``."""


@dataclass(frozen=True)
class Config:
    """The settings read from one file (``None``: not set there)."""

    file: Path | None = None
    paths: tuple[str, ...] = ()  # resolved against the file's folder
    exclude: tuple[str, ...] = ()
    budget: float | None = None
    allow_undecided: bool | None = None
    jobs: int | None = None
    format: str | None = None

    @property
    def root(self) -> Path:
        """The folder that ``paths`` and ``exclude`` are relative to."""
        return self.file.parent if self.file is not None else Path.cwd()


def positive_seconds(value) -> float:
    """A budget: a finite number of seconds above 0 (and at most :data:`MAX_BUDGET`)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if isinstance(value, bool) or not (0 < seconds <= MAX_BUDGET):
        raise ValueError(f"must be a positive number of seconds (at most {MAX_BUDGET:g}), not {value!r}")
    return seconds


def positive_int(value) -> int:
    """A number of workers: an integer of at least 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool | float) or number < 1:
        raise ValueError(f"must be a whole number of at least 1, not {value!r}")
    return number


def _strings(value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of strings, not {value!r}")
    return tuple(value)


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _format(value) -> str:
    if value not in FORMATS:
        raise ValueError(f"must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


_KEYS = {  # key in the file -> (field of Config, reader)
    "paths": ("paths", _strings),
    "exclude": ("exclude", _strings),
    "budget": ("budget", positive_seconds),
    "allow-undecided": ("allow_undecided", _boolean),
    "jobs": ("jobs", positive_int),
    "format": ("format", _format),
}


def _table(path: Path) -> dict | None:
    """The gradproof table of ``path``, or None when a pyproject.toml has none."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    tool = data.get("tool", {})
    table = tool.get("gradproof") if isinstance(tool, dict) else None
    if path.name == "gradproof.toml" and table is None:
        table = data
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.gradproof] must be a table")
    return table


def find(start: Path | None = None) -> tuple[Path, dict] | None:
    """The nearest configuration file from ``start`` (default: the working directory) up, and its table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("gradproof.toml", "pyproject.toml"):
            path = folder / name
            if path.is_file():
                table = _table(path)
                if table is not None:
                    return path, table
    return None


def load(start: Path | None = None) -> Config:
    """The :class:`Config` in force in ``start`` (an empty one when no file configures gradproof)."""
    found = find(start)
    if found is None:
        return Config()
    path, table = found
    values: dict = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ConfigError(f"{path}: unknown key {key!r} in the gradproof settings (known: {known})")
        field, reader = _KEYS[key]
        try:
            values[field] = reader(value)
        except ValueError as exc:
            raise ConfigError(f"{path}: {key} {exc}") from None
    if "paths" in values:
        values["paths"] = tuple(str(path.parent / p) for p in values["paths"])
    return Config(file=path, **values)


def excluded(path: Path, config: Config) -> str | None:
    """The first ``exclude`` glob that ``path`` matches, or None.

    A glob is matched (``fnmatch``: ``*`` also crosses ``/``) against the path
    relative to the configuration's folder, each of its parts, and each of its
    parent folders, so ``drafts``, ``notes/drafts`` and ``notes/drafts/*``
    all exclude ``notes/drafts/a.md``.
    """
    if not config.exclude:
        return None
    try:
        rel = PurePosixPath(path.resolve().relative_to(config.root.resolve()).as_posix())
    except ValueError:  # outside the configured folder: match what was given
        rel = PurePosixPath(path.as_posix())
    candidates = [str(rel), *rel.parts, *(str(p) for p in rel.parents if str(p) != ".")]
    for glob in config.exclude:
        pattern = glob.rstrip("/")
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return glob
    return None

"""Each distinct claim decided once per run, and its verdict remembered across runs.

Two layers in front of the checks of :mod:`checks.runner`:

* **the run's memo** -- inside :func:`session` (one per ``run_all``), a claim
  that an earlier step already checked (document 003 translates 000: 301
  claim checks are 173 distinct claims) gets the earlier verdict;
* **the persistent cache** -- an SQLite file under the platform's cache
  directory (``$GRADPROOF_CACHE_DIR``, else ``$XDG_CACHE_HOME/gradproof``, else
  ``~/.cache/gradproof``).  A key is the SHA-256 of gradproof's own source
  files, the versions of Python and of the dependencies (sympy, numpy,
  mpmath, symengine, rich, lark) and the claim: both sides as ``srepr`` (so
  symbols' assumptions are part of it), the domain, the budget, the seed's
  text.  Change any of them and the entry is never found again.  Undecided
  results are never stored (a faster or idler machine may decide them);
  ``holds`` and ``fails`` do not depend on the machine;
* **whole runs** -- what a run of the report, or of ``gradproof check`` on
  notes unchanged byte for byte, printed (stdout and stderr, in order) and
  its exit code, keyed by the command, its options, the consoles' width and
  colours and (``check``) each file's path and bytes: :func:`play_back`
  writes it again without loading SymPy or building a document.  What is
  stored is the output as a run served by the first two layers would print
  it -- every verdict decided in the run labelled ``cached`` -- and only when
  no symbolic verdict was left undecided (:func:`checks.runner.settled`).

A reused verdict is labelled: ``extra["cached"]`` is ``"run"`` (decided
earlier in this run) or ``"disk"`` (the persistent cache), and its
``seconds`` are 0 -- the time this run spent on it -- never the original
timing shown as if fresh.

The persistent cache is off when ``GRADPROOF_NO_CACHE`` is set (the tests set
it) or after ``configure(disk=False)`` (``--no-cache``); ``gradproof cache
clear`` removes it (:func:`cache_main`).  Concurrent processes are safe:
SQLite in WAL mode, a busy timeout, and each process opens its own
connection (workers are forked).

A matrix claim holds functions; it is keyed by what it states and by the
code of its closed form (bytecode, constants, closure values), and only when
that code is gradproof's own -- covered by the source hash.  A claim whose
closed form is defined elsewhere is checked every time.

Examples
--------
>>> import sympy as sp
>>> from gradproof.symbolic.domain import Domain
>>> x = sp.Symbol("x", real=True)
>>> with session(disk=False):
...     first = decide(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, Domain(), 5.0)
...     again = decide(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, Domain(), 5.0)
>>> first.status, again.status, first.extra.get("cached"), again.extra.get("cached"), again.seconds
(<Status.HOLDS: 'holds'>, <Status.HOLDS: 'holds'>, None, 'run', 0.0)
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["ENV_DIR", "ENV_OFF", "add_argument", "cache_dir", "cache_main", "configure", "decide",
           "expr_key", "group_keys", "looks", "matrix_step", "numeric", "play_back", "printed", "record", "reused",
           "run_key", "schedule", "session", "source_hash"]

ENV_DIR = "GRADPROOF_CACHE_DIR"
ENV_OFF = "GRADPROOF_NO_CACHE"
FILE = "verdicts.sqlite3"
DEPENDENCIES = ("sympy", "numpy", "mpmath", "symengine", "rich", "lark")  # rich: what a run printed
# what the hash of gradproof's own sources covers: the package, not its tests or benchmarks
SOURCE_DIRS = (".", "symbolic", "derivations", "checks", "derivations/sources")
SOURCE_SUFFIXES = (".py", ".txt", ".lark")
WRITE_RETRIES = 5


# --------------------------------------------------------------------------
# where, and whether
# --------------------------------------------------------------------------

_disk_wanted = True  # --no-cache sets False


def configure(disk: bool = True) -> None:
    """Turn the persistent cache on or off for this process (``--no-cache``)."""
    global _disk_wanted
    _disk_wanted = disk


def disk_enabled() -> bool:
    return _disk_wanted and not os.environ.get(ENV_OFF)


def cache_dir() -> Path:
    """``$GRADPROOF_CACHE_DIR``, else ``$XDG_CACHE_HOME/gradproof``, else ``~/.cache/gradproof``."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gradproof"


# --------------------------------------------------------------------------
# what a key is made of
# --------------------------------------------------------------------------

_SOURCE_HASH: str | None = None


def source_hash() -> str:
    """SHA-256 of gradproof's own source files, Python's and the dependencies' versions."""
    global _SOURCE_HASH
    if _SOURCE_HASH is None:
        from importlib.metadata import PackageNotFoundError, version

        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for sub in SOURCE_DIRS:
            folder = root / sub
            if not folder.is_dir():
                continue
            for f in sorted(folder.iterdir()):
                if f.suffix in SOURCE_SUFFIXES and f.is_file():
                    h.update(f"{sub}/{f.name}\0".encode())
                    h.update(f.read_bytes())
        h.update(sys.version.encode())
        for dep in DEPENDENCIES:
            try:
                h.update(f"{dep}={version(dep)}\0".encode())
            except PackageNotFoundError:
                h.update(f"{dep}=absent\0".encode())
        _SOURCE_HASH = h.hexdigest()
    return _SOURCE_HASH


def expr_key(expr) -> str:
    """A digest of a SymPy object that is the same in every process (:func:`symbolic.domain.digest`)."""
    from gradproof.symbolic.domain import digest

    return digest(expr)


def _digest(parts: Sequence[object]) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def _scalar_key(kind: str, lhs, rhs, domain, *more) -> str:
    return _digest((kind, expr_key(lhs), expr_key(rhs), repr(domain), *more))


class _NotOurs(Exception):
    """A function outside gradproof's sources: its behaviour is not covered by the source hash."""


def _code_key(code) -> str:
    consts = [(_code_key(c) if hasattr(c, "co_code") else repr(c)) for c in code.co_consts]
    return repr((code.co_name, code.co_code.hex(), consts, code.co_names, code.co_varnames))


def _value_key(value) -> str:
    if callable(value) and hasattr(value, "__code__"):
        module = getattr(value, "__module__", "") or ""
        if not module.startswith("gradproof."):
            raise _NotOurs(module)
        cells = [_value_key(c.cell_contents) for c in (value.__closure__ or ())]
        defaults = [_value_key(d) for d in (value.__defaults__ or ())]
        return repr((module, value.__qualname__, _code_key(value.__code__), cells, defaults))
    if isinstance(value, (tuple, list)):
        return repr([_value_key(v) for v in value])
    if isinstance(value, dict):
        return repr(sorted((str(k), _value_key(v)) for k, v in value.items()))
    text = repr(value)
    if " at 0x" in text or " object at " in text:  # an identity, not a value
        raise _NotOurs(type(value).__name__)
    return text


def _matrix_claim_key(claim) -> str:
    """What a matrix claim states and computes, or raises :class:`_NotOurs`."""
    fields = [(f.name, _value_key(getattr(claim, f.name))) for f in dataclasses.fields(claim)]
    return repr((type(claim).__module__, type(claim).__qualname__, fields))


def matrix_key(step, budget: float) -> str | None:
    """The key of a matrix step (the claim, its erratum's correction, the domain), or None."""
    from gradproof.derivations.model import Claim

    fixed = step.erratum.fixed if step.erratum is not None else None
    try:
        if fixed is None:
            fixed_key = "none"
        elif isinstance(fixed, Claim):
            fixed_key = _scalar_key("fixed", fixed.lhs, fixed.rhs, step.domain)
        else:
            fixed_key = _matrix_claim_key(fixed)
        return _digest(("matrix", _matrix_claim_key(step.claim), fixed_key, repr(step.domain), repr(budget)))
    except _NotOurs:
        return None


# --------------------------------------------------------------------------
# verdicts as JSON
# --------------------------------------------------------------------------

def _dump(verdicts: Sequence[Any]) -> str | None:
    """Verdicts (or None) as JSON, or None when one is undecided or not plain data."""
    from gradproof.symbolic.equivalence import Status

    out: list[dict[str, Any] | None] = []
    for v in verdicts:
        if v is None:
            out.append(None)
            continue
        if v.status is Status.UNDECIDED:
            return None
        d = dataclasses.asdict(v)
        d["status"] = v.status.value
        out.append(d)
    try:  # keys in their order: a counterexample read back prints as it printed when fresh
        return json.dumps(out)
    except (TypeError, ValueError):
        return None


def _load(text: str) -> list:
    from gradproof.symbolic.equivalence import Status, Verdict

    out: list[Verdict | None] = []
    for d in json.loads(text):
        if d is None:
            out.append(None)
            continue
        d["status"] = Status(d["status"])
        out.append(Verdict(**d))
    return out


def reused(v, where: str):
    """``v`` labelled as reused (``where``: "run" or "disk"): no time spent on it here."""
    if v is None:
        return None
    return dataclasses.replace(v, seconds=0.0, extra={**v.extra, "cached": where})


# --------------------------------------------------------------------------
# the store
# --------------------------------------------------------------------------

class _Store:
    """One SQLite table, key -> verdicts as JSON; one connection per process."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = -1

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        self._conn, self._pid = None, os.getpid()  # a forked child never shares its parent's
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (OSError, sqlite3.Error):
            return None  # no cache directory, a read-only disk: check without a cache
        self._conn = conn
        return conn

    def get(self, key: str) -> str | None:
        conn = self._connect()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT value FROM verdicts WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        conn = self._connect()
        if conn is None:
            return
        for attempt in range(WRITE_RETRIES):
            try:
                conn.execute("INSERT OR REPLACE INTO verdicts (key, value) VALUES (?, ?)", (key, value))
                return
            except sqlite3.OperationalError:  # locked by another process beyond the timeout
                time.sleep(0.05 * (attempt + 1))
            except sqlite3.Error:
                return


# --------------------------------------------------------------------------
# a run
# --------------------------------------------------------------------------

class _Session:
    def __init__(self, disk: bool | None):
        self.memo: dict[str, Any] = {}
        self._disk = disk
        self._store: _Store | None = None

    @property
    def store(self) -> _Store | None:
        """Opened at the first look-up, so that ``--no-cache``, parsed inside the session, counts."""
        if self._store is None and (disk_enabled() if self._disk is None else self._disk):
            self._store = _Store(cache_dir() / FILE)
        return self._store


_SESSION: _Session | None = None


@contextlib.contextmanager
def session(disk: bool | None = None) -> Iterator[None]:
    """One run: the memo lives as long as this block (nested blocks share the outer one).

    ``disk=None`` asks :func:`disk_enabled` at the first look-up.  Also a
    decorator: ``@session()`` makes every call of a function one run.
    """
    global _SESSION
    if _SESSION is not None:
        yield
        return
    _SESSION = _Session(disk)
    try:
        yield
    finally:
        _SESSION = None


def _remembered(key: str | None, compute: Callable[[], list]) -> list:
    """``compute()`` (a list of verdicts), or what the run or the disk already has under ``key``."""
    return _lookup(key, compute, _dump, _load, lambda vs, where: [reused(v, where) for v in vs])


def _lookup(key, compute, dump, load, label):
    s = _SESSION
    if s is None or key is None:
        return compute()
    if key in s.memo:
        return label(s.memo[key], "run")
    full = None
    if s.store is not None:
        full = _digest((source_hash(), key))
        text = s.store.get(full)
        if text is not None:
            try:
                found = load(text)
            except (ValueError, TypeError, KeyError):
                found = None  # an entry from an incompatible writer: compute again
            if found is not None:
                s.memo[key] = found
                return label(found, "disk")
    out = compute()
    s.memo[key] = out
    if full is not None:
        text = dump(out)
        if text is not None:  # None: undecided, never stored
            s.store.put(full, text)
    return out


def printed(tag: str, exprs: Sequence[Any], compute: Callable[[], str]) -> str:
    """``compute()`` -- the text a report prints for ``exprs`` -- once per distinct claim.

    >>> import sympy as sp
    >>> with session(disk=False):
    ...     printed("sstr", [sp.Symbol("x") + 1], lambda: "x + 1")
    'x + 1'
    """
    key = _digest(("printed", tag, *map(expr_key, exprs))) if _SESSION else None
    return _lookup(key, compute, json.dumps, json.loads, lambda text, where: text)


def decide(lhs, rhs, domain, budget: float, fresh: Callable | None = None):
    """:func:`symbolic.equivalence.decide` (or ``fresh``, called alike), once per distinct claim."""
    run: Callable[..., Any]
    if fresh is None:  # imported here: symbolic.equivalence is loaded only when a claim is decided
        from gradproof.symbolic.equivalence import decide as default_decide

        run = default_decide
    else:
        run = fresh
    key = _scalar_key("decide", lhs, rhs, domain, repr(float(budget))) if _SESSION else None
    return _remembered(key, lambda: [run(lhs, rhs, domain, budget)])[0]


def numeric(lhs, rhs, domain, seed_text: str, check: Callable | None = None):
    """:func:`checks.numeric.check` (or ``check``, called alike), once per distinct claim and seed."""
    run: Callable[..., Any]
    if check is None:
        from gradproof.checks.numeric import check as default_check

        run = default_check
    else:
        run = check
    key = _scalar_key("numeric", lhs, rhs, domain, seed_text) if _SESSION else None
    return _remembered(key, lambda: [run(lhs, rhs, domain, seed_text=seed_text)])[0]


def matrix_step(step, budget: float, compute: Callable[[], Any]) -> tuple:
    """``(symbolic, numeric, shapes, fixed)`` of ``compute()`` (a matrix step's StepResult), once
    per distinct matrix claim."""
    key = matrix_key(step, budget) if _SESSION else None

    def verdicts() -> list:
        r = compute()
        return [r.symbolic, r.numeric, r.shapes, r.fixed]

    return tuple(_remembered(key, verdicts))


def diagnosis(step, budget: float, compute: Callable[[], Any]):
    """A failing step's diagnosis (:func:`checks.diagnosis.diagnose_result`: a Diagnosis or None),
    once per distinct step.  "No single slip" is remembered too: it is an answer, not a timeout."""
    key = _diagnosis_key(step, budget) if _SESSION else None
    record = _lookup(key, lambda: _diagnosis_record(compute()), json.dumps, json.loads, lambda r, where: r)
    if record["d"] is None:
        return None
    from gradproof.checks.diagnosis import Diagnosis

    return Diagnosis(*record["d"])


def _diagnosis_record(d) -> dict:
    return {"d": None if d is None else [d.slip, d.latex, d.note]}


def _diagnosis_key(step, budget: float) -> str | None:
    from gradproof.derivations.model import Claim

    if isinstance(step.claim, Claim):  # the proposal edits the step's own LaTeX: it is part of the key
        return _scalar_key("diagnosis", step.claim.lhs, step.claim.rhs, step.domain, step.latex, repr(float(budget)))
    key = matrix_key(step, budget)
    return None if key is None else _digest(("diagnosis", key, step.latex))


# --------------------------------------------------------------------------
# a whole run: what it printed, played back
# --------------------------------------------------------------------------

class _Tape:
    """A stand-in for a console's stream that records what is written (``n``: which stream).

    Everything else (``isatty``, ``encoding``, ``fileno``) is the real
    stream's, so that what rich renders into it is what the real stream gets.
    """

    def __init__(self, real: IO[str], n: int, chunks: list[tuple[int, str]]):
        self._real, self._n, self._chunks = real, n, chunks

    def write(self, text: str) -> int:
        if self._chunks and self._chunks[-1][0] == self._n:
            self._chunks[-1] = (self._n, self._chunks[-1][1] + text)
        else:
            self._chunks.append((self._n, text))
        return len(text)

    def flush(self) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._real, name)


def looks(console) -> tuple:
    """What a rich console's output depends on besides what it is given to print."""
    return (console.width, console.color_system, console.is_terminal, console.no_color, console.encoding,
            console.legacy_windows)


def run_key(command: str, *parts: object) -> str | None:
    """The key of a whole run of ``command`` on ``parts`` (its selection, options, inputs), or None
    when the persistent cache is off.  gradproof's source hash is added at the look-up."""
    if not disk_enabled():
        return None
    return _digest(("run", command, *map(repr, parts)))


def _run_store() -> _Store | None:
    if _SESSION is not None:
        return _SESSION.store
    return _Store(cache_dir() / FILE) if disk_enabled() else None


def play_back(key: str | None, out, err) -> int | None:
    """What the run under ``key`` printed, written again to the consoles ``out`` and ``err``; its
    exit code.  None when it was never stored: then the run is done afresh."""
    store = _run_store() if key is not None else None
    text = store.get(_digest((source_hash(), key))) if store is not None else None
    if text is None:
        return None
    try:
        record = json.loads(text)
        chunks, code = [(int(n), str(t)) for n, t in record["chunks"]], int(record["code"])
    except (ValueError, TypeError, KeyError):
        return None  # an entry from an incompatible writer: run afresh
    streams = {1: out.file, 2: err.file}
    for n, t in chunks:
        streams[n].write(t)
        streams[n].flush()
    return code


def record(key: str | None, out, err, emit: Callable[[], int]) -> None:
    """Store what ``emit()`` prints on the consoles ``out`` and ``err`` (and its exit code) under
    ``key``; the caller stores only runs whose every result is decided and labelled as reused."""
    store = _run_store() if key is not None else None
    if store is None:
        return
    chunks: list[tuple[int, str]] = []
    consoles = [out] if err is out else [out, err]
    saved = [c.file for c in consoles]
    try:
        for n, c in enumerate(consoles, 1):
            c.file = _Tape(c.file, n, chunks)
        code = int(emit())
    finally:
        for c, f in zip(consoles, saved, strict=True):
            c.file = f
    store.put(_digest((source_hash(), key)), json.dumps({"chunks": chunks, "code": code}))


# --------------------------------------------------------------------------
# a schedule for worker processes
# --------------------------------------------------------------------------

def group_keys(step, budget: float) -> list[str]:
    """Every key a step's checks will look up: steps sharing one belong to one worker."""
    from gradproof.derivations.model import Claim, Kind

    if not step.checkable:
        return []
    if step.kind is Kind.MATRIX:
        key = matrix_key(step, budget)
        return [key] if key else []
    keys = [_scalar_key("decide", step.claim.lhs, step.claim.rhs, step.domain, repr(float(budget)))]
    fixed = step.erratum.fixed if step.erratum is not None else None
    if isinstance(fixed, Claim):
        keys.append(_scalar_key("decide", fixed.lhs, fixed.rhs, step.domain, repr(float(budget))))
    return keys


def schedule(steps: Sequence[Any], budget: float, chunk: int) -> list[list[int]]:
    """Indices of ``steps`` in chunks of about ``chunk``, equal claims always in one chunk.

    Steps that share any key (a claim, an erratum's correction) form one
    group (union-find); groups keep document order and are never split, and
    each chunk lists its steps in document order -- so every worker count
    reuses exactly what one worker would, and the verdicts are the same.
    """
    parent = list(range(len(steps)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, step in enumerate(steps):
        for key in group_keys(step, budget):
            if key in owner:
                a, b = find(owner[key]), find(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(steps)):
        groups.setdefault(find(i), []).append(i)
    chunks: list[list[int]] = []
    current: list[int] = []
    for root in sorted(groups):
        current += groups[root]
        if len(current) >= chunk:
            chunks.append(sorted(current))
            current = []
    if current:
        chunks.append(sorted(current))
    return chunks


# --------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------

def add_argument(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``--no-cache`` on a subcommand's parser; :func:`apply_arguments` acts on it."""
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the persistent cache of verdicts")
    return parser


def apply_arguments(args: argparse.Namespace) -> None:
    """Act on ``--no-cache`` (each call decides afresh: ``main`` may be called many times)."""
    configure(disk=not getattr(args, "no_cache", False))


def clear() -> int:
    """Remove the persistent cache; returns the number of files removed."""
    removed = 0
    folder = cache_dir()
    for suffix in ("", "-wal", "-shm"):
        try:
            (folder / (FILE + suffix)).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def cache_main(argv: Sequence[str], out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """``gradproof cache clear`` (and ``gradproof cache path``); returns an exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    parser = argparse.ArgumentParser(prog="gradproof cache", description="The persistent cache of verdicts.")
    parser.add_argument("action", choices=("clear", "path"),
                        help="clear: remove the cache; path: print where it is")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code or 0)
    if args.action == "path":
        print(cache_dir() / FILE, file=out)
        return 0
    try:
        n = clear()
    except OSError as exc:
        print(f"gradproof cache: error: cannot remove {cache_dir() / FILE}: {exc.strerror}", file=err)
        return 2
    print(f"removed {cache_dir() / FILE}" if n else f"no cache at {cache_dir() / FILE}", file=out)
    return 0

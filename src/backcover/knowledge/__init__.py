"""Knowledge: the data every answer comes from (code sets, catalog, policy packs, plans, prices, rules).

The files live beside this module, each fact with its source. :class:`Knowledge` is the bundle a
question is answered with. ``Knowledge.packaged()`` is the built-in one; ``Knowledge.from_dir(path)``
lays a folder of the same layout over it (a clinic's own packs, or a test's); ``.with_packs(...)``
adds or replaces single policy packs. ``check``, ``estimate``, ``deadlines`` and the letter builders
take a ``Knowledge`` argument (defaulting to the packaged one), as httpx takes a transport.

This module knows nothing about what the files mean. Each domain (codesets, catalog, engine, costs,
appeals) parses its own files through :meth:`Knowledge.cached`, which keeps one parsed copy per
bundle and, for the packaged files, a pickled copy on disk that is rebuilt when any file changes.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from threading import RLock
from typing import Any, ClassVar, TypeVar, cast

__all__ = ["KNOWLEDGE_DIR", "Knowledge"]

KNOWLEDGE_DIR = Path(__file__).resolve().parent

T = TypeVar("T")

# Bumped when the shape of a parsed object changes, so that an old disk cache is not read.
_CACHE_FORMAT = "1"


class Knowledge:
    """A bundle of knowledge files: ``roots`` searched first to last, plus policy packs given directly.

    A file is looked up in the roots from the last (the most specific) to the first, so a folder laid
    over the packaged files replaces the files it has and leaves the others. Policy packs are the
    exception: every root's ``policies/`` folder contributes, and a pack with the same id replaces the
    earlier one (``only_own_packs`` drops the packaged packs altogether).
    """

    _packaged: ClassVar[Knowledge | None] = None
    _packaged_lock: ClassVar[RLock] = RLock()

    def __init__(
        self,
        roots: Iterable[Path] = (KNOWLEDGE_DIR,),
        extra_packs: Iterable[Any] = (),
        *,
        only_own_packs: bool = False,
        disk_cache: Path | None = None,
    ) -> None:
        self.roots: tuple[Path, ...] = tuple(Path(r) for r in roots)
        self.extra_packs: tuple[Any, ...] = tuple(extra_packs)
        self.only_own_packs = only_own_packs
        self._disk_cache = disk_cache
        self._memo: dict[str, Any] = {}
        self._lock = RLock()
        self._fingerprint: str | None = None

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def packaged(cls) -> Knowledge:
        """The built-in knowledge (one shared instance, parsed once per process)."""
        with cls._packaged_lock:
            if cls._packaged is None:
                cls._packaged = cls((KNOWLEDGE_DIR,), disk_cache=_default_cache_dir())
            return cls._packaged

    @classmethod
    def from_dir(cls, path: Path | str, *, only_own_packs: bool = False) -> Knowledge:
        """The packaged knowledge with a folder of the same layout laid over it."""
        return cls((KNOWLEDGE_DIR, Path(path)), only_own_packs=only_own_packs)

    def with_packs(self, *packs: Any) -> Knowledge:
        """A copy with these policy packs added; a pack with the id of an existing one replaces it.

        Each item is a parsed pack (``backcover.engine.Pack``) or the path of a pack file.
        """
        return Knowledge(
            self.roots,
            (*self.extra_packs, *packs),
            only_own_packs=self.only_own_packs,
            disk_cache=None,
        )

    # -- files ----------------------------------------------------------------------------------

    def file(self, relative: str) -> Path:
        """The most specific copy of a knowledge file (``codesets/icd10cm.yaml``)."""
        for root in reversed(self.roots):
            candidate = root / relative
            if candidate.is_file():
                return candidate
        return self.roots[0] / relative

    def files(self, folder: str, pattern: str = "*.yaml") -> list[Path]:
        """Every file of ``folder`` across the roots; a later root's file replaces one of the same name."""
        chosen: dict[str, Path] = {}
        for root in self.roots:
            for path in sorted((root / folder).glob(pattern)):
                if path.is_file() and not path.name.startswith("."):
                    chosen[path.name] = path
        return [chosen[name] for name in sorted(chosen)]

    def pack_files(self) -> list[Path]:
        """The policy-pack files: every root's ``policies/`` (only the last root's with only_own_packs)."""
        if self.only_own_packs:
            root = self.roots[-1]
            return sorted(p for p in (root / "policies").glob("*.yaml") if not p.name.startswith("."))
        return self.files("policies")

    # -- parsed, cached ---------------------------------------------------------------------------

    def cached(self, key: str, build: Callable[[Knowledge], T]) -> T:
        """``build(self)``, computed once per bundle (and, for the packaged one, kept on disk)."""
        with self._lock:
            if key in self._memo:
                return cast(T, self._memo[key])
            disk = self._disk_path(key, build)
            value = _read_pickle(disk) if disk is not None else _MISSING
            if value is _MISSING:
                value = build(self)
                if disk is not None:
                    _write_pickle(disk, key, value)
            self._memo[key] = value
            return cast(T, value)

    def fingerprint(self) -> str:
        """A digest of every knowledge file's name, size and modification time."""
        if self._fingerprint is None:
            h = hashlib.sha256(_CACHE_FORMAT.encode())
            for root in self.roots:
                for path in sorted(root.rglob("*")):
                    if path.suffix in (".yaml", ".yml", ".csv", ".json") and path.is_file():
                        st = path.stat()
                        h.update(f"{path.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
            self._fingerprint = h.hexdigest()[:24]
        return self._fingerprint

    def _disk_path(self, key: str, build: Callable[..., Any]) -> Path | None:
        if self._disk_cache is None or self.extra_packs:
            return None
        # The code that parses is part of the key: a changed parser never reads an old pickle.
        module = sys.modules.get(build.__module__)
        code = getattr(module, "__file__", None) or ""
        stamp = os.stat(code).st_mtime_ns if code and os.path.exists(code) else 0
        digest = hashlib.sha256(f"{self.fingerprint()}|{build.__qualname__}|{stamp}".encode()).hexdigest()
        return self._disk_cache / f"{key}-{digest[:24]}.pickle"


def _read_pickle(path: Path) -> Any:
    if not path.is_file():
        return _MISSING
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # a stale or cut-off cache file is rebuilt, never trusted
        return _MISSING


def _write_pickle(path: Path, key: str, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        for old in path.parent.glob(f"{key}-*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # the cache is an optimisation: without it, knowledge is parsed each time


_MISSING: Any = object()


def _default_cache_dir() -> Path | None:
    """Where the parsed packaged knowledge is kept (``BACKCOVER_CACHE``; empty disables it)."""
    env = os.environ.get("BACKCOVER_CACHE")
    if env is not None:
        return Path(env) if env.strip() else None
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return None
    return Path(user_cache_dir("backcover", appauthor=False)) / "knowledge"

"""``__all__`` is honest (as httpx keeps it): every module's names only what exists, and each package's
and each top-level module's names every public class and function it defines or takes from its own
private modules."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import backcover


def _modules() -> list[str]:
    names = ["backcover"]
    for info in pkgutil.walk_packages(backcover.__path__, "backcover."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


def _public_defined(mod: ModuleType) -> set[str]:
    """Public classes and functions this module defines, or (for a package) takes from its own
    private modules."""
    out: set[str] = set()
    package = mod.__name__ if hasattr(mod, "__path__") else mod.__name__.rpartition(".")[0]
    for name, obj in vars(mod).items():
        if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        home = getattr(obj, "__module__", "") or ""
        own_private = hasattr(mod, "__path__") and home.startswith(package + "._")
        if home == mod.__name__ or own_private:
            out.add(name)
    return out


@pytest.mark.parametrize("name", _modules())
def test_all_is_honest(name: str) -> None:
    mod = importlib.import_module(name)
    exported = getattr(mod, "__all__", None)
    if exported is None:
        assert not name.rpartition(".")[2].startswith("_") or not _public_defined(mod), (
            f"{name} defines public names but has no __all__"
        )
        return
    missing = [n for n in exported if not hasattr(mod, n)]
    assert not missing, f"{name}.__all__ names what does not exist: {missing}"
    if not (hasattr(mod, "__path__") or name.count(".") == 1):
        return  # a module inside a package: its package's __all__ is the public face
    unlisted = sorted(_public_defined(mod) - set(exported))
    assert not unlisted, f"{name} defines public names missing from __all__: {unlisted}"

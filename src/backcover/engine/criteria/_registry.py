"""The registry of criterion tests: each test type is declared once, here or in a sibling module.

A test type has a name (``test: {type: ...}`` in a pack), a frozen parameters dataclass, the
evaluator that takes those parameters, and its documentation. The parameters are read and checked
when a pack is loaded: an unknown key, a missing one, a word where a number is needed or an unknown
concept is refused with the file, the line and a "did you mean", so a check never meets a bad value.

A parameter is declared with one of :func:`whole`, :func:`number`, :func:`flag`, :func:`concept_list`,
:func:`item_kinds` or :func:`scale_minimums`; each carries its plain-language description, which
``docs/criteria.md`` is generated from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from backcover.codesets import concepts as concept_table
from backcover.errors import BadInput, suggest
from backcover.vocab import ItemKind, values

__all__ = [
    "REGISTRY",
    "Params",
    "TestType",
    "concept_list",
    "criterion_test",
    "flag",
    "item_kinds",
    "number",
    "parse_params",
    "scale_minimums",
    "whole",
]


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a parameter value was written: for error messages."""

    file: str
    line: str | None
    key: str
    what: str  # "test conservative_care of criterion esi.conservative_care"
    optional: bool = False  # an optional list may be empty


Parser = Callable[[Any, _Where], Any]


def _bad(where: _Where, problem: str, fix: str) -> BadInput:
    return BadInput(f"{where.what}: {where.key} {problem}", fix, where.file, where.line)


def _whole(value: Any, where: _Where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(
            where, f"must be a whole number, not {value!r}", f"write a whole number, e.g. {where.key}: 4"
        )
    return int(value)


def _number(value: Any, where: _Where) -> Decimal:
    if isinstance(value, bool):
        raise _bad(where, f"must be a number, not {value!r}", f"write a number, e.g. {where.key}: 50")
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise _bad(
            where, f"must be a number, not {value!r}", f"write a number, e.g. {where.key}: 50"
        ) from None
    if not out.is_finite():
        raise _bad(where, f"must be a number, not {value!r}", f"write a number, e.g. {where.key}: 50")
    return out


def _flag(value: Any, where: _Where) -> bool:
    if not isinstance(value, bool):
        raise _bad(where, f"must be true or false, not {value!r}", f"write {where.key}: true")
    return value


def _text_list(value: Any, where: _Where) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(where, "must be a list of names", f"write {where.key}: [name, ...]")
    if not value and not where.optional:
        raise _bad(where, "must be a list of names", f"write {where.key}: [name, ...]")
    return tuple(str(v) for v in value)


def _concepts(value: Any, where: _Where) -> tuple[str, ...]:
    from backcover.yamlio import line_of  # the YAML library loads only when a pack is parsed

    names = _text_list(value, where)
    known = concept_table()
    for i, name in enumerate(names):
        if name not in known:
            line = line_of(value, i) or where.line
            raise BadInput(f"{where.what}: unknown concept {name!r}", suggest(name, known), where.file, line)
    return names


def _item_kinds(value: Any, where: _Where) -> tuple[ItemKind, ...]:
    names = _text_list(value, where)
    for name in names:
        if name not in values(ItemKind):
            raise _bad(
                where, f"names an unknown kind of record item {name!r}", suggest(name, values(ItemKind))
            )
    return tuple(ItemKind(n) for n in names)


def _scale_minimums(value: Any, where: _Where) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(value, Mapping) or not value:
        raise _bad(where, "must map score scales to minimums", f"write {where.key}: {{nrs: 7}}")
    return tuple((str(k), _number(v, _with_key(where, f"{where.key}.{k}"))) for k, v in value.items())


def _with_key(where: _Where, key: str) -> _Where:
    return _Where(where.file, where.line, key, where.what, where.optional)


def _param(parse: Parser, doc: str, default: Any) -> Any:
    meta = {"parse": parse, "doc": doc}
    if default is MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


def whole(doc: str, default: int | Any | None = MISSING) -> Any:
    """A whole number of weeks, days, sessions... (``weeks: 4``)."""
    return _param(_whole, doc, default)


def number(doc: str) -> dict[str, Any]:
    """A required number, kept exact (``min_relief_pct: 50``): ``x: Decimal = field(metadata=number(...))``.

    (It is field metadata, not a field, as ruff does not know a ``Decimal`` default to be immutable.)
    """
    return {"parse": _number, "doc": doc}


def flag(doc: str, default: bool = False) -> Any:
    """true or false."""
    return _param(_flag, doc, default)


def concept_list(doc: str, default: tuple[str, ...] | Any = MISSING) -> Any:
    """A list of concept names of ``codesets/concepts.yaml`` (each checked at load time)."""
    return _param(_concepts, doc, default)


def item_kinds(doc: str) -> Any:
    """A list of record item kinds (``diagnosis``, ``observation``...)."""
    return _param(_item_kinds, doc, None)


def scale_minimums(doc: str) -> Any:
    """Score scale -> minimum (``{nrs: 7}``)."""
    return _param(_scale_minimums, doc, ())


@dataclass(frozen=True, slots=True)
class Params:
    """The base of every test type's parameters (frozen, plain values: they pickle)."""

    def to_json(self) -> dict[str, Any]:
        """The parameters as written in a pack (those that differ from their default)."""
        return {name: _json_value(value) for name, _, value in self.given()}

    def given(self) -> list[tuple[str, str, Any]]:
        """(name, what it takes, value) of the parameters that differ from their default."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.default is not MISSING and value == f.default:
                continue
            out.append((f.name, _TAKES.get(f.metadata["parse"], "value"), value))
        return out


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return {str(k): _json_value(v) for k, v in value}
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value


P = TypeVar("P", bound=Params)
Evaluator = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True)
class TestType:
    """One kind of criterion test: name, parameters, evaluator and documentation."""

    name: str
    params: type[Params]
    evaluate: Evaluator
    description: str
    __test__ = False  # not a pytest test class

    def param_docs(self) -> list[tuple[str, str, bool, str]]:
        """(name, what it takes, required, description) of every parameter."""
        out = []
        for f in fields(self.params):
            parse = f.metadata["parse"]
            takes = _TAKES.get(parse, "value")
            out.append((f.name, takes, f.default is MISSING, str(f.metadata["doc"])))
        return out


_TAKES: dict[Parser, str] = {
    _whole: "whole number",
    _number: "number",
    _flag: "true/false",
    _concepts: "list of concepts",
    _item_kinds: "list of item kinds",
    _scale_minimums: "scale: minimum",
}

REGISTRY: dict[str, TestType] = {}


def criterion_test(name: str, params: type[P], description: str) -> Callable[[Any], Any]:
    """Register the decorated evaluator as test type ``name`` with these parameters."""

    def register(fn: Evaluator) -> Evaluator:
        if name in REGISTRY:
            raise RuntimeError(f"test type {name!r} is registered twice")
        REGISTRY[name] = TestType(name, params, fn, " ".join(description.split()))
        return fn

    return register


def parse_params(ttype: TestType, node: Mapping[str, Any], file: str, cid: str) -> Params:
    """The typed parameters of one ``test:`` mapping, or BadInput naming the file and line."""
    from backcover.yamlio import check_keys, line_of  # the YAML library loads only when a pack is parsed

    what = f"test {ttype.name} of criterion {cid}"
    declared = fields(ttype.params)
    check_keys(node, ("type", *(f.name for f in declared)), file, what)
    kwargs: dict[str, Any] = {}
    for f in declared:
        if f.name not in node or node[f.name] is None:
            if f.default is MISSING:
                raise BadInput(
                    f"{what} needs {f.name!r} ({f.metadata['doc']})",
                    f"add {f.name}: ... to the test",
                    file,
                    line_of(node),
                )
            continue
        where = _Where(file, line_of(node, f.name) or line_of(node), f.name, what, f.default is not MISSING)
        kwargs[f.name] = f.metadata["parse"](node[f.name], where)
    return ttype.params(**kwargs)

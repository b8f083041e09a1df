"""Property tests: import never crashes on mutated FHIR; it returns a record or a BadInput."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcover.errors import BadInput
from backcover.record.load import source_from_bytes
from backcover.record.merge import merge
from tests.conftest import EXAMPLES, SYNTHEA_FILES

SEEDS: list[dict[str, Any]] = [json.loads(line) for line in SYNTHEA_FILES[0].read_text().splitlines()[:3]]
SEEDS += [json.loads((EXAMPLES / "check-rfa-opd.json").read_text())]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        copy = dict(doc)
        if delete and not rest:
            copy.pop(head, None)
        else:
            copy[head] = _mutate(doc[head], rest, value, delete)
        return copy
    copy_list = list(doc)
    copy_list[head] = _mutate(doc[head], rest, value, delete)
    return copy_list


def _import(data: bytes, name: str) -> None:
    try:
        merge([source_from_bytes(data, name)], None)
    except BadInput as exc:
        assert exc.problem and exc.message()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(SEEDS), data=st.data(), value=json_values, delete=st.booleans())
def test_mutated_fhir_never_crashes(
    seed: dict[str, Any], data: st.DataObject, value: Any, delete: bool
) -> None:
    path = data.draw(st.sampled_from(_paths(seed)))
    mutated = _mutate(seed, path, value, delete)
    _import(json.dumps(mutated).encode(), "mutated.json")


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=4000), junk=st.binary(max_size=20))
def test_truncated_or_garbled_bytes_never_crash(cut: int, junk: bytes) -> None:
    raw = (EXAMPLES / "check-tfesi-medicare.json").read_bytes()
    _import(raw[:cut] + junk, "cut.json")
    _import(SYNTHEA_FILES[0].read_bytes()[: cut * 10] + junk, "cut.ndjson")

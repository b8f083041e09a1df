"""Property tests with boundary inputs: every parser answers with a result or BadInput, nothing else.

The same strategies run longer in `make fuzz` (bench/fuzz.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from backcover.errors import BadInput
from tests._fuzz_support import PARSERS


def _make(name: str) -> Any:
    strategy, run = PARSERS[name]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def prop(value: Any) -> None:
        try:
            run(value)
        except BadInput as exc:
            assert exc.problem and exc.fix

    return prop


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_hostile_input_is_bad_input_or_a_result(name: str) -> None:
    _make(name)()

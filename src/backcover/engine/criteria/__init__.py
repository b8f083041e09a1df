"""The criterion tests: one registry of test types, each with typed parameters, evaluator and docs.

``REGISTRY`` maps a test type's name (``test: {type: ...}`` in a pack) to its :class:`TestType`.
The evaluators are grouped by theme: history (diagnosis, duration, care, imaging, scores), findings
(red flags, present/absent, documented, improving), relief (blocks, lasting relief, trials), limits
(frequency, interval, age, nicotine, labs, attestations) and exclusions.
"""

from backcover.engine.criteria import _exclusions, _findings, _history, _limits, _relief
from backcover.engine.criteria._context import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, Ctx, Outcome
from backcover.engine.criteria._registry import REGISTRY, Params, TestType, parse_params

__all__ = [
    "MET",
    "NOT_APPLICABLE",
    "NOT_MET",
    "REGISTRY",
    "UNKNOWN",
    "Ctx",
    "Outcome",
    "Params",
    "TestType",
    "evaluate",
    "parse_params",
]

_MODULES = (_history, _findings, _relief, _limits, _exclusions)  # each registers its tests on import


def evaluate(test: str, params: Params, ctx: Ctx) -> Outcome:
    """The outcome of one criterion test on the record of ``ctx``."""
    result: Outcome = REGISTRY[test].evaluate(params, ctx)
    return result

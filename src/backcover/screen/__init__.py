"""Population screening (CONTRACTS.md section 7): who in a bulk export meets a policy, who is missing what.

``screen(inputs, Question(...), out)`` partitions the inputs by patient into spill files (phase one),
checks each partition's people with the same engine as `backcover check` (phase two), and writes one
Parquet row per patient. Both phases run on local worker processes or as Dask tasks; memory stays
flat in the population size. See ``docs/screening.md``.
"""

from backcover.screen._check import ROW_FIELDS, Question, check_partition, row_for
from backcover.screen._output import SCHEMA, Summary
from backcover.screen._run import Engine, ScreenResult, screen, validate_question

__all__ = [
    "ROW_FIELDS",
    "SCHEMA",
    "Engine",
    "Question",
    "ScreenResult",
    "Summary",
    "check_partition",
    "row_for",
    "screen",
    "validate_question",
]

"""What bounds the FHIR mapping (issue 16): dates and record items, measured on Synthea Procedures.

A bare loop over the Procedure lines of the 10-patient export, with none of the mapper's checks:
decode the line by a msgspec schema (code, subject, performedPeriod), look the codings and their
concepts up, and make one record item, four ways: the instants parsed in C by msgspec or by
``backcover.dates.fast_datetime``, and the item as today's slots dataclasses (``make_item``,
``make_when``, ``make_source``) or as frozen msgspec Structs with the same fields. Next to them:
orjson alone, and today's mapping (orjson, then ``_parse.map_one``). Best CPU time of the rounds.

Not a mapper: it shows how far each change could go, not what a checked mapper would cost.

    python bench/decode_floor.py [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import orjson

from backcover.codesets import codesets_for
from backcover.dates import fast_datetime
from backcover.record.details import empty_details
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._parse import map_one
from backcover.record.fhir._read import NO_URLS
from backcover.record.fhir._values import _CODINGS, _coding, tail
from backcover.record.model import make_item, make_source, make_when
from backcover.vocab import ItemKind, Provenance

DATA = next(
    (p / "shared" / "data" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)


class _Coding(msgspec.Struct, gc=False, frozen=True):
    system: str | None = None
    code: str | None = None
    display: str | None = None


class _CC(msgspec.Struct, gc=False, frozen=True):
    coding: list[_Coding] = []
    text: str | None = None


class _Ref(msgspec.Struct, gc=False, frozen=True):
    reference: str = ""


class _PeriodC(msgspec.Struct, gc=False, frozen=True):  # instants parsed by msgspec, in C
    start: datetime | None = None
    end: datetime | None = None


class _PeriodText(msgspec.Struct, gc=False, frozen=True):
    start: str | None = None
    end: str | None = None


class _ProcC(msgspec.Struct, gc=False):
    id: str = "?"
    status: str | None = None
    code: _CC = _CC()
    subject: _Ref = _Ref()
    performedPeriod: _PeriodC = _PeriodC()


class _ProcText(msgspec.Struct, gc=False):
    id: str = "?"
    status: str | None = None
    code: _CC = _CC()
    subject: _Ref = _Ref()
    performedPeriod: _PeriodText = _PeriodText()


class _When(msgspec.Struct, gc=False, frozen=True):
    start: Any
    end: Any = None
    ongoing: bool = False


class _Source(msgspec.Struct, gc=False, frozen=True):
    resource: str
    file: str | None


class _Item(msgspec.Struct, gc=False, frozen=True):  # the fields of record.model.Item
    kind: Any
    when: Any
    codes: tuple[Any, ...]
    provenance: Any
    source: _Source
    concept: Any
    concepts: tuple[Any, ...]
    region: Any
    text: Any
    status: Any
    value: Any
    unit: Any
    scale: Any
    refs: tuple[Any, ...]
    details: Any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    lines = [x for x in (DATA / "synthea-bulk10-Procedure.ndjson").read_bytes().split(b"\n") if x]
    codesets = codesets_for(None)
    lookup = codesets.lookup
    kind, ehr, empty = ItemKind.PROCEDURE, Provenance.EHR, empty_details(ItemKind.PROCEDURE)

    def loop(c_dates: bool, struct_items: bool) -> Callable[[], None]:
        decode = msgspec.json.Decoder(_ProcC if c_dates else _ProcText).decode

        def run() -> None:
            for line in lines:
                r = decode(line)
                codes = []
                for c in r.code.coding:
                    key = (c.system, c.code, c.display)
                    found = _CODINGS.get(key)
                    codes.append(found if found is not None else _coding(*key))
                concepts = [m.concept for c in codes if (m := lookup(c.system, c.code)) is not None]
                p = r.performedPeriod
                if c_dates:
                    start, end = p.start, p.end
                else:
                    start, end = fast_datetime(p.start)[0], fast_datetime(p.end)[0]  # type: ignore[index]
                first = concepts[0] if concepts else None
                rid = "Procedure/" + r.id
                text, status = r.code.text, r.status
                if struct_items:
                    when: Any = _When(start, end)
                    _Item(kind, when, tuple(codes), ehr, _Source(rid, "f"), first,
                          tuple(concepts), None, text, status, None, None, None, (), empty)  # fmt: skip
                else:
                    when = make_when(start, end)
                    make_item(kind, when, tuple(codes), ehr, make_source(rid, "f"), first,
                              tuple(concepts), None, text, status, None, None, None, (), empty)  # fmt: skip
                tail(r.subject.reference)

        return run

    def orjson_only() -> None:
        for line in lines:
            orjson.loads(line)

    def today() -> None:
        c = Ctx("f", (), codesets)
        c.use_index({})
        for line in lines:
            map_one(c, orjson.loads(line), "line", NO_URLS)

    stages: dict[str, Callable[[], None]] = {
        "orjson": orjson_only,
        "today's mapping": today,
        "fast_datetime + today's items": loop(False, False),
        "fast_datetime + Struct items": loop(False, True),
        "C instants + today's items": loop(True, False),
        "C instants + Struct items": loop(True, True),
    }
    best = dict.fromkeys(stages, float("inf"))
    gc.disable()
    for fn in stages.values():
        fn()
    for _ in range(args.rounds):
        for name, fn in stages.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    gc.enable()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"input: {len(lines)} Procedure lines; best CPU time of {args.rounds} rounds; load average {load}")
    for name, secs in best.items():
        print(
            f"{name:30s} {secs * 1000:6.1f} ms  {secs / len(lines) * 1e6:5.2f} us/resource  "
            f"{secs / best['orjson']:5.2f}x orjson"
        )


if __name__ == "__main__":
    main()

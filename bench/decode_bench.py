"""Typed decoding with msgspec (issue 16 experiment): does it bring the mapping nearer orjson?

On the Condition, Procedure and MedicationRequest lines of the 10-patient Synthea export (the
Patient file is left out: no schema), one resource after another in a plain loop (no file, no
second pass), it prints the best CPU time over the rounds, per resource and as a ratio to orjson:
- orjson: ``orjson.loads`` of each line (the floor, as in import_bench);
- schema decode: each line decoded by its msgspec schema (only the fields the mappers read);
- dict path: orjson, then ``_parse.map_one`` (what backcover does);
- orjson + convert + typed: orjson, ``msgspec.convert`` to the schema, the typed mapper
  (``typed_decode.map_fast``: a drop-in, same items and messages);
- schema decode + typed: the line decoded by the schema, the typed mapper (not a drop-in: see
  ``typed_decode``'s doc).
Before timing, it checks that the typed mappers give the dict path's items for every line.

    python bench/decode_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import typed_decode
from backcover.codesets import codesets_for
from backcover.record.fhir._context import Ctx
from backcover.record.fhir._parse import map_one
from backcover.record.fhir._read import NO_URLS

DATA = next(
    (p / "shared" / "data" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    files = [f for f in sorted(DATA.glob("synthea-bulk10-*.ndjson")) if "Patient" not in f.name]
    lines = [line for f in files for line in f.read_bytes().split(b"\n") if line]
    codesets = codesets_for(None)
    decoders = typed_decode.DECODERS

    def ctx() -> Ctx:
        c = Ctx("bench", (), codesets)
        c.use_index({})
        c.seen = []
        return c

    def decoder(line: bytes) -> msgspec.json.Decoder[object]:
        return decoders[line[17 : line.find(b'"', 17)]]

    # The same items, line by line (and every line taken by the typed mapper).
    c1, c2, c3 = ctx(), ctx(), ctx()
    taken = 0
    for line in lines:
        doc = orjson.loads(line)
        want = map_one(c1, doc, "line", NO_URLS)
        typed = typed_decode.map_typed(c3, decoder(line).decode(line), "line")  # type: ignore[arg-type]
        taken += typed is not None
        if typed_decode.map_fast(c2, doc, "line", NO_URLS) != want or typed not in (None, want):
            raise SystemExit(f"different items for {doc['resourceType']}/{doc.get('id')}")

    def orjson_only() -> None:
        for line in lines:
            orjson.loads(line)

    def schema_decode() -> None:
        for line in lines:
            decoder(line).decode(line)

    def dict_path() -> None:
        c = ctx()
        for line in lines:
            map_one(c, orjson.loads(line), "line", NO_URLS)
            c.seen.clear()  # type: ignore[union-attr]

    def convert_typed() -> None:
        c = ctx()
        for line in lines:
            typed_decode.map_fast(c, orjson.loads(line), "line", NO_URLS)
            c.seen.clear()  # type: ignore[union-attr]

    def decode_typed() -> None:
        c = ctx()
        for line in lines:
            typed_decode.map_typed(c, decoder(line).decode(line), "line")  # type: ignore[arg-type]
            c.seen.clear()  # type: ignore[union-attr]

    stages: dict[str, Callable[[], None]] = {
        "orjson": orjson_only,
        "schema decode": schema_decode,
        "dict path": dict_path,
        "orjson + convert + typed": convert_typed,
        "schema decode + typed": decode_typed,
    }
    best = dict.fromkeys(stages, float("inf"))
    gc.disable()  # as the import does (collector_paused)
    for fn in stages.values():
        fn()
    for _ in range(args.rounds):
        for name, fn in stages.items():
            t = time.process_time()
            fn()
            best[name] = min(best[name], time.process_time() - t)
    gc.enable()
    n = len(lines)
    print(f"input: {n} Condition/Procedure/MedicationRequest lines; typed mapper took {taken} of them")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"best CPU time of {args.rounds} rounds; load average {load}")
    for name, secs in best.items():
        print(
            f"{name:26s} {secs * 1000:6.1f} ms  {secs / n * 1e6:5.2f} us/resource  "
            f"{secs / best['orjson']:5.2f}x orjson"
        )


if __name__ == "__main__":
    main()

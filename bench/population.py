"""A synthetic population for benchmarks: the shared Synthea export copied to N patients.

Each copy gets fresh resource ids (every UUID is replaced by one derived from it and the copy
number, so references stay consistent), fresh names and fresh identifiers. The clinical content is
the Synthea patients' own, so the engine has real work to do.

    python bench/population.py --patients 1300 --out /tmp/pop1300
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

import orjson

# ../shared/data beside the repo (from a git worktree: the nearest folder above that holds it).
DATA = next(
    (p / "shared" / "data" for p in Path(__file__).resolve().parents if (p / "shared" / "data").is_dir()),
    Path(__file__).resolve().parents[2] / "shared" / "data",
)
BASE = sorted(DATA.glob("synthea-bulk10-*.ndjson"))
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GIVEN = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonah", "Kira", "Luis"]
_FAMILY = ["Adams", "Baker", "Chen", "Diaz", "Evans", "Fox", "Gupta", "Hale", "Ito", "Jones", "Khan", "Lopez"]


def base_patients() -> int:
    return sum(
        1 for line in (DATA / "synthea-bulk10-Patient.ndjson").read_bytes().splitlines() if line.strip()
    )


def _new_uuid(old: bytes, copy: int) -> bytes:
    h = hashlib.blake2b(old + copy.to_bytes(4, "big"), digest_size=16).hexdigest().encode()
    return b"-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:32]))


def _patient_line(line: bytes, copy: int, person: int) -> bytes:
    """A Patient of copy ``copy`` with a name of its own: two people of one copy born on the same day
    must not share a name as well, or `check` would take them for one person (CONTRACTS section 1)."""
    doc = orjson.loads(line)
    for i, name in enumerate(doc.get("name") or []):
        name["given"] = [_GIVEN[(copy + i) % len(_GIVEN)]]
        name["family"] = f"{_FAMILY[(copy + person) % len(_FAMILY)]}-{copy:05d}-{person:03d}"
    for ident in doc.get("identifier") or []:
        if isinstance(ident.get("value"), str):
            ident["value"] = f"{ident['value']}-{copy:05d}"
    return orjson.dumps(doc)


def generate(patients: int, out: Path) -> Path:
    """Write the population (one NDJSON file per resource type) and return its folder."""
    out.mkdir(parents=True, exist_ok=True)
    copies = -(-patients // base_patients())
    for f in BASE:
        lines = [ln for ln in f.read_bytes().splitlines() if ln.strip()]
        is_patient = f.name.endswith("Patient.ndjson")
        with open(out / f.name, "wb") as fh:
            for copy in range(copies):
                cache: dict[bytes, bytes] = {}

                def swap(m: re.Match[bytes], copy: int = copy, cache: dict[bytes, bytes] = cache) -> bytes:
                    old = m.group(0)
                    new = cache.get(old)
                    if new is None:
                        new = cache[old] = _new_uuid(old, copy)
                    return new

                for person, line in enumerate(lines):
                    fresh = _UUID.sub(swap, line)
                    if is_patient:
                        fresh = _patient_line(fresh, copy, person)
                    fh.write(fresh + b"\n")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--patients", type=int, default=1300)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    t = time.perf_counter()
    folder = generate(args.patients, args.out)
    size = sum(f.stat().st_size for f in folder.iterdir())
    print(f"wrote {folder}: {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Streaming a Transparency in Coverage in-network-rates file: rows per second, and memory.

Generates a synthetic file in the TiC schema shape (provider_references, then in_network items
with negotiated_rates -> negotiated_prices), reads it with a --code filter through
`backcover.pricefiles`, and prints items and prices scanned per second and the peak RSS at each
quarter of the file: memory must stay flat whatever the file's size.

Run: .venv/bin/python bench/pricefiles_bench.py [--size-mb 2048] [--dir /tmp] [--keep]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import tempfile
import time
from pathlib import Path

from backcover.pricefiles import Filters, open_reader

CODES = 5_000
PRICES_PER_ITEM = 4  # 2 negotiated_rates x 2 negotiated_prices
WANTED = "C0042"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, size_mb: int) -> int:
    """Write about ``size_mb`` MB; returns the number of in_network items."""
    target = size_mb * 1024 * 1024
    refs = ",".join(
        f'{{"provider_group_id":{g},"network_name":["Bench Net"],"provider_groups":[{{"npi":'
        f'[{1000000000 + g * 3},{1000000001 + g * 3}],"tin":{{"type":"ein","value":"{g:02d}-{g:07d}"}}}}]}}'
        for g in range(1, 201)
    )
    items = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as fh:
        fh.write(
            '{"reporting_entity_name":"Bench Health","reporting_entity_type":"health insurance issuer",'
            '"plan_name":"Bench PPO","plan_id_type":"hios","plan_id":"12345","plan_market_type":"group",'
            '"issuer_name":"Bench","last_updated_on":"2026-06-01","version":"1.3.1",'
            f'"provider_references":[{refs}],"in_network":['
        )
        written = fh.tell()
        chunk: list[str] = []
        while written < target:
            for _ in range(1000):
                code = f"C{items % CODES:04d}"
                g = items % 200 + 1
                price = (
                    '{{"negotiated_type":"negotiated","negotiated_rate":{r},"expiration_date":"9999-12-31",'
                    '"service_code":["11","22"],"billing_class":"{b}","setting":"outpatient",'
                    '"billing_code_modifier":[]}}'
                )
                rates = ",".join(
                    f'{{"provider_references":[{g},{g % 200 + 1}],"negotiated_prices":['
                    + price.format(r=f"{100 + items % 900}.{k}5", b="professional")
                    + ","
                    + price.format(r=f"{900 + items % 900}.{k}0", b="institutional")
                    + "]}"
                    for k in range(2)
                )
                chunk.append(
                    ("," if items else "")
                    + f'{{"negotiation_arrangement":"ffs","name":"Service {code}","billing_code_type":"CPT",'
                    f'"billing_code_type_version":"2026","billing_code":"{code}",'
                    f'"description":"Synthetic service {code} for the streaming benchmark",'
                    f'"negotiated_rates":[{rates}]}}'
                )
                items += 1
            text = "".join(chunk)
            chunk.clear()
            fh.write(text)
            written += len(text)
        fh.write("]}")
    return items


class _Counting(io.RawIOBase):
    """A file that records the peak RSS as reading passes each quarter of it."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("rb")
        self._size = path.stat().st_size
        self.marks: list[tuple[int, float]] = []

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        return self._fh.seek(pos, whence)

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._fh.readinto(b)
        quarter = len(self.marks) + 1
        if n and self._fh.tell() >= self._size * quarter / 4 and quarter <= 4:
            self.marks.append((quarter * 25, _rss_mb()))
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=2048)
    ap.add_argument("--dir", default=None, help="where to write the temporary file (default: system temp)")
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pricefiles-bench-", dir=args.dir))
    path = tmp / "in-network-rates.json"
    try:
        t0 = time.perf_counter()
        items = generate(path, args.size_mb)
        size = path.stat().st_size
        print(
            f"generated {size / 2**20:,.0f} MB, {items:,} in_network items "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        rss0 = _rss_mb()
        fp = _Counting(path)
        t1 = time.perf_counter()
        reading = open_reader(io.BufferedReader(fp, 1 << 16), str(path), Filters.of(codes=[WANTED]))
        found = sum(1 for _ in reading.rates())
        dt = time.perf_counter() - t1
        fp.close()
        print(
            f"read with --code {WANTED}: {found:,} rates kept in {dt:.1f} s; "
            f"{items / dt:,.0f} items/s, {items * PRICES_PER_ITEM / dt:,.0f} prices/s, "
            f"{size / 2**20 / dt:,.1f} MB/s"
        )
        print(
            f"peak RSS before reading {rss0:.1f} MB; at "
            + ", ".join(f"{q}%: {m:.1f} MB" for q, m in fp.marks)
        )
        expected = sum(1 for i in range(items) if i % CODES == int(WANTED[1:])) * PRICES_PER_ITEM
        assert found == expected, (found, expected)
    finally:
        if args.keep:
            print(f"kept {path}")
        else:
            path.unlink(missing_ok=True)
            os.rmdir(tmp)


if __name__ == "__main__":
    main()

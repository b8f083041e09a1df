"""Price files read as they are published: pure readers, a binary stream in, typed rows out.

- CMS hospital standard-charge files (45 CFR 180), templates v2 and v3: CSV tall, CSV wide, JSON;
- Transparency in Coverage in-network rates, allowed amounts and tables of contents (streamed);
- CMS payment files saved as CSV: OPPS Addendum B, ASC Addendum AA, IPPS Table 5, anesthesia
  base units.

``open_reader(stream, name, Filters.of(...))`` detects the format; ``reading.rates()`` streams the
kept rows, then ``reading.source()``, ``reading.warnings`` and ``reading.files`` describe the file.
``price_table_yaml`` turns rows into a table for ``backcover estimate --prices``. See docs/prices.md.
"""

from __future__ import annotations

from backcover.pricefiles._detect import FORMATS, open_reader
from backcover.pricefiles._model import PAYER_INDEPENDENT, Basis, Filters, Rate, Reading, Source, Warnings
from backcover.pricefiles._table import PREFERENCE, price_table, price_table_yaml

__all__ = [
    "FORMATS",
    "PAYER_INDEPENDENT",
    "PREFERENCE",
    "Basis",
    "Filters",
    "Rate",
    "Reading",
    "Source",
    "Warnings",
    "open_reader",
    "price_table",
    "price_table_yaml",
]

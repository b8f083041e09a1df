"""Which reader a file needs, from its first bytes: JSON keys, or CSV header rows."""

from __future__ import annotations

import csv
import gzip
import io
from typing import IO, cast

from backcover.errors import BadInput
from backcover.pricefiles._hospital_csv import HospitalCsv
from backcover.pricefiles._hospital_json import HospitalJson
from backcover.pricefiles._medicare import LAYOUTS, MedicareCsv, find_layout
from backcover.pricefiles._model import Filters, Reading
from backcover.pricefiles._tic import TicFile

__all__ = ["FORMATS", "open_reader"]

_SNIFF = 1 << 16
_HOSPITAL_KEYS = (b'"standard_charge_information"', b'"hospital_name"')
_TIC_KEYS = (
    b'"in_network"',
    b'"provider_references"',
    b'"out_of_network"',
    b'"reporting_structure"',
    b'"reporting_entity_name"',
)

#: Every format name ``source.format`` can take.
FORMATS: tuple[str, ...] = (
    "hospital-v2-csv-tall",
    "hospital-v2-csv-wide",
    "hospital-v3-csv-tall",
    "hospital-v3-csv-wide",
    "hospital-v2-json",
    "hospital-v3-json",
    "tic-in-network-rates",
    "tic-allowed-amounts",
    "tic-table-of-contents",
    *LAYOUTS,
)


def open_reader(fp: IO[bytes], file: str, filters: Filters | None = None) -> Reading:
    """A reader for the seekable binary stream ``fp`` (named ``file`` in messages).

    Gzipped files (``.json.gz``, as insurers often publish) are read through gzip.
    Raises :class:`BadInput` naming the keys or columns expected when the format is unknown.
    """
    filters = filters or Filters()
    head = fp.read(_SNIFF)
    fp.seek(0)
    if head.startswith(b"\x1f\x8b"):
        return open_reader(cast(IO[bytes], gzip.GzipFile(fileobj=fp, mode="rb")), file, filters)
    if head.startswith(b"PK"):
        raise BadInput(
            "this is an Excel workbook or a zip archive, not a CSV or JSON file",
            "open it and save the sheet as CSV (CMS posts most addenda as CSV too), or unzip it",
            file,
        )
    if b"\x00" in head:
        raise BadInput(
            "a binary file, not a CSV or JSON price file",
            "give the price file itself (CSV, JSON or .json.gz)",
            file,
        )
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body.startswith(b"{"):
        if any(k in head for k in _HOSPITAL_KEYS):
            return HospitalJson(fp, file, filters)
        if any(k in head for k in _TIC_KEYS):
            return TicFile(fp, file, filters)
        raise BadInput(
            "a JSON file with none of the keys of a known price file",
            "expected hospital_name and standard_charge_information (CMS hospital price file), or "
            "reporting_entity_name with in_network, out_of_network or reporting_structure "
            "(Transparency in Coverage)",
            file,
            "$",
        )
    text = head.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    first = ["|".join(p.strip() for p in c.split("|")).lower() for c in (rows[0] if rows else [])]
    if "hospital_name" in first and "version" in first:
        return HospitalCsv(fp, file, filters)
    found = find_layout(rows)
    if found is not None:
        return MedicareCsv(fp, file, filters, found[0])
    raise BadInput(
        "not a price file backcover knows",
        "expected a CMS hospital price CSV (row 1: hospital_name, last_updated_on, version, ...), "
        "a CMS payment file with the header columns HCPCS Code, Payment Rate, SI, APC (OPPS Addendum B), "
        "HCPCS Code, Payment Indicator, Payment Rate (ASC Addendum AA), MS-DRG, MS-DRG Title, Weights "
        "(IPPS Table 5) or CPT Code, Base Unit (anesthesia), or a JSON price file",
        file,
        "line 1",
    )

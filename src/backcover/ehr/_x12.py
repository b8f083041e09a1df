"""An X12 005010X217 278 request (health care services review) from the same typed inputs as PAS.

Pure. The loops written: 2000A UMO (the payer, NM1*X3), 2000B requester (NM1*1P with the NPI),
2000C subscriber (NM1*IL with the member id, DMG), 2000E patient event (TRN, UM, HI diagnoses),
and one 2000F service per procedure (TRN, UM, DTP*472, SV1 professional service, NM1*SJ). The
envelope is ISA/GS/ST ... SE/GE/IEA with ``~`` segments, ``*`` elements, ``:`` components and ``^``
repetitions; SE01 counts ST through SE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from backcover.ehr._pas import Diagnosis, PasCoverage, PasPatient, PasProcedure, PasProvider

__all__ = ["segments_of", "write_278"]

_GENDER = {"male": "M", "female": "F"}
_UNSAFE = re.compile(r"[~*:^\r\n]")


def _clean(text: str, limit: int = 60) -> str:
    """An element value: delimiters removed, upper case, within the element's length."""
    return _UNSAFE.sub(" ", text).strip().upper()[:limit]


def _seg(*elements: str) -> str:
    parts = list(elements)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return "*".join(parts) + "~"


def _provider(entity: str, p: PasProvider) -> str:
    """NM1 of a person with an NPI: 1P requester, SJ service provider."""
    return _seg("NM1", entity, "1", _clean(p.family), _clean(p.given, 35), "", "", "", "XX", p.npi)


def _icd(code: str) -> str:
    return code.replace(".", "").upper()


def write_278(
    *,
    control: int,
    created: datetime,
    sender_id: str,
    receiver_id: str,
    reference: str,
    patient: PasPatient,
    coverage: PasCoverage,
    requester: PasProvider,
    procedures: Sequence[PasProcedure],
    diagnoses: Sequence[Diagnosis],
    urgent: bool = False,
    production: bool = False,
) -> str:
    """The 278 request as text (one segment per line for readability; X12 ignores the newlines)."""
    ymd, hm = created.strftime("%Y%m%d"), created.strftime("%H%M")
    pos = procedures[0].place_of_service if procedures else "11"
    body: list[str] = [
        _seg("ST", "278", "0001", "005010X217"),
        _seg("BHT", "0007", "13", _clean(reference, 50), ymd, hm),
        _seg("HL", "1", "", "20", "1"),
        _seg(
            "NM1", "X3", "2", _clean(coverage.payer_name), "", "", "", "", "PI", _clean(coverage.payer_id, 80)
        ),
        _seg("HL", "2", "1", "21", "1"),
        _provider("1P", requester),
        _seg("HL", "3", "2", "22", "1"),
        _seg(
            "NM1",
            "IL",
            "1",
            _clean(patient.family),
            _clean(patient.given, 35),
            "",
            "",
            "",
            "MI",
            _clean(coverage.member_id, 80),
        ),
    ]
    if patient.birth_date is not None:
        body.append(
            _seg("DMG", "D8", patient.birth_date.strftime("%Y%m%d"), _GENDER.get(patient.gender or "", "U"))
        )
    body += [
        _seg("HL", "4", "3", "EV", "1" if procedures else "0"),
        _seg("TRN", "1", _clean(reference, 50), "9" + _clean(sender_id, 9)),
        _seg("UM", "HS", "I", "1", f"{pos}:B", "", "U" if urgent else ""),
    ]
    if diagnoses:
        codes = [f"{'ABK' if i == 0 else 'ABF'}:{_icd(d.code)}" for i, d in enumerate(diagnoses[:12])]
        body.append(_seg("HI", *codes))
    for i, p in enumerate(procedures):
        hl = str(5 + i)
        body += [
            _seg("HL", hl, "4", "SS", "0"),
            _seg("TRN", "1", f"{_clean(reference, 40)}-{i + 1}", "9" + _clean(sender_id, 9)),
            _seg("UM", "HS", p.certification_type, "1"),
            _seg(
                "DTP",
                "472",
                *(("RD8", f"{p.start:%Y%m%d}-{p.end:%Y%m%d}") if p.end else ("D8", f"{p.start:%Y%m%d}")),
            ),
            _seg("SV1", f"HC:{_clean(p.code, 48)}", "", "UN", str(p.quantity)),
            _provider("SJ", requester),
        ]
    body.append(_seg("SE", str(len(body) + 1), "0001"))
    isa = (
        "*".join(
            [
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                "ZZ",
                _clean(sender_id, 15).ljust(15),
                "ZZ",
                _clean(receiver_id, 15).ljust(15),
                created.strftime("%y%m%d"),
                hm,
                "^",
                "00501",
                f"{control:09d}",
                "0",
                "P" if production else "T",
                ":",
            ]
        )
        + "~"
    )
    gs = _seg(
        "GS", "HI", _clean(sender_id, 15), _clean(receiver_id, 15), ymd, hm, str(control), "X", "005010X217"
    )
    ge = _seg("GE", "1", str(control))
    iea = _seg("IEA", "1", f"{control:09d}")
    return "\n".join([isa, gs, *body, ge, iea]) + "\n"


def segments_of(text: str) -> list[list[str]]:
    """Segments as lists of elements (for reading back and for tests)."""
    return [s.strip().split("*") for s in text.split("~") if s.strip()]

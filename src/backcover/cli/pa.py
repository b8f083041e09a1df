"""`backcover pa send | export-x12 | ingest`: electronic prior authorization for a case (docs/ehr.md).

``send`` builds the Da Vinci PAS request Bundle of the case and posts it to the payer's
``Claim/$submit``; ``export-x12`` writes the same request as an X12 005010X217 278; ``ingest``
reads the payer's ClaimResponse (a file) into the case's prior-authorization timeline.

The store is reached only through :func:`_case_inputs` and :func:`_record` (read the case, record
a status), so that the store's interface can change under them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from backcover.cli._app import date_option, emit_json, err_console, guarded, lazy_module, out_console
from backcover.cli._cases_common import open_cases_store, pa_app
from backcover.errors import BadInput

if TYPE_CHECKING:
    import backcover.store as store_pkg
    from backcover.ehr._pas import Diagnosis, PasCoverage, PasPatient, PasProcedure, PasProvider
    from backcover.ehr._pas_response import PaStatus
else:
    store_pkg = lazy_module("backcover.store")

__all__ = ["pa_export_x12", "pa_ingest", "pa_send"]

_POS = {"office": "11", "asc": "24", "hospital-outpatient": "22", "inpatient": "21"}

CaseOpt = Annotated[int, typer.Option("--case", help="The case number (see `backcover case list`).")]
DxOpt = Annotated[
    list[str] | None, typer.Option("--dx", help="An ICD-10-CM diagnosis code (repeat for more), e.g. M54.16.")
]
DateOpt = Annotated[str | None, typer.Option("--date", help="The requested service date (default today).")]
PayerIdOpt = Annotated[
    str | None, typer.Option("--payer-id", help="The payer's electronic id (default: the plan's payer name).")
]


@dataclass(frozen=True)
class CaseInputs:
    case_id: int
    reference: str
    patient: PasPatient
    coverage: PasCoverage
    requester: PasProvider
    procedure: PasProcedure
    supporting: tuple[str, ...]


def _split(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1]) or parts[-1]) if parts else ("UNKNOWN", "UNKNOWN")


def _case_inputs(case_id: int, start: date, payer_id: str | None) -> CaseInputs:
    """Everything the request needs, read from the case (the only read of the store)."""
    from backcover import catalog
    from backcover.ehr._pas import PasCoverage, PasPatient, PasProcedure, PasProvider

    with open_cases_store() as store:
        case = store.get_case(case_id)
        pt, plan, prov = case.patient, case.plan, case.provider
        if prov is None or not prov.npi:
            raise BadInput(
                "the case has no ordering provider with an NPI",
                "add the provider (with --npi) to the case, then try again",
                where="--case",
            )
        member = (plan.member_id if plan else None) or pt.member_id
        if not member:
            raise BadInput(
                "the case has no member id", "add the plan's member id to the case", where="--case"
            )
        family, given = _split(pt.name)
        pfamily, pgiven = _split(prov.name)
        proc = catalog.find(case.procedure_code)
        return CaseInputs(
            case_id=case.id,
            reference=f"BC{case.id:06d}",
            patient=PasPatient(f"pt{pt.id}", family, given, pt.birth_date, None, member),
            coverage=PasCoverage(
                f"cov{case.id}",
                (plan.payer if plan and plan.payer else case.payer),
                payer_id or (plan.payer if plan and plan.payer else case.payer),
                member,
            ),
            requester=PasProvider(f"pr{prov.id}", pfamily, pgiven, prov.npi),
            procedure=PasProcedure(
                case.procedure_code,
                proc.name if proc else case.procedure_code,
                start,
                place_of_service=_POS.get(case.setting or "", "11"),
            ),
            supporting=tuple(f"DocumentReference/doc-{d.id}" for d in case.documents),
        )


def _record(case_id: int, status: PaStatus | None, on: date, note: str) -> int:
    """Record a submission (``status`` None) or the payer's answer on the case's latest request."""
    with open_cases_store() as store:
        case = store.get_case(case_id)
        pa_id = case.pa_requests[-1].id if case.pa_requests else None
        if status is None or pa_id is None:
            pa_id = store.add_pa_request(case_id, on_date=on, status="submitted", note=note).id
        if status is not None:
            store.set_pa_status(
                pa_id,
                status.status,
                on_date=on,
                auth_number=status.auth_number,
                expires_on=status.end,
                note=f"{note}: {status.decision}"
                + (f" ({status.action_code})" if status.action_code else ""),
            )
        return pa_id


def _diagnoses(dx: list[str] | None) -> list[Diagnosis]:
    from backcover.ehr._pas import Diagnosis

    if not dx:
        raise BadInput(
            "a prior-authorization request needs a diagnosis",
            "give --dx CODE, e.g. --dx M54.16",
            where="--dx",
        )
    return [Diagnosis(d.strip().upper()) for d in dx]


def _print_status(st: PaStatus) -> None:
    line = f"payer's answer: {st.decision} -> {st.status}"
    if st.auth_number:
        line += f", auth {st.auth_number}"
    if st.start or st.end:
        line += f", {st.start or '?'} to {st.end or '?'}"
    out_console.print(line, highlight=False)


@pa_app.command("send")
@guarded
def pa_send(
    case: CaseOpt,
    to: Annotated[
        str, typer.Option("--to", help="The payer's PAS endpoint (base URL or .../Claim/$submit).")
    ],
    dx: DxOpt = None,
    on: DateOpt = None,
    payer_id: PayerIdOpt = None,
    token: Annotated[
        str | None, typer.Option("--token", envvar="BACKCOVER_PAS_TOKEN", help="Bearer token.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the payer's answer as JSON.")] = False,
) -> None:
    """Send the case's prior-authorization request (Da Vinci PAS) and record the payer's answer."""
    import httpx

    from backcover.ehr._pas import build_pas_bundle
    from backcover.ehr._pas_response import ingest_claim_response

    day = date_option(on, "--date") or date.today()
    inp = _case_inputs(case, day, payer_id)
    bundle = build_pas_bundle(
        identifier=inp.reference,
        created=datetime.now(UTC),
        patient=inp.patient,
        coverage=inp.coverage,
        requester=inp.requester,
        procedures=[inp.procedure],
        diagnoses=_diagnoses(dx),
        supporting=inp.supporting,
    )
    url = to if to.rstrip("/").endswith("$submit") else to.rstrip("/") + "/Claim/$submit"
    headers = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        r = httpx.post(url, content=orjson.dumps(bundle), headers=headers, timeout=30.0)
    except httpx.HTTPError as exc:
        raise BadInput(
            f"the payer endpoint could not be reached ({type(exc).__name__})", "check --to", where="--to"
        ) from None
    if r.status_code >= 400:
        raise BadInput(
            f"the payer answered HTTP {r.status_code}", "check the endpoint and the token", where="--to"
        )
    try:
        answer: Any = r.json()
        status = ingest_claim_response(answer, url)
    except (ValueError, BadInput):
        status = None
    pa_id = _record(case, None, day, "sent with PAS")
    if status is not None:
        _record(case, status, day, "payer's ClaimResponse")
        if not json_out:
            _print_status(status)
    err_console.print(f"prior authorization {pa_id} on case {case}: sent to {url}", highlight=False)
    if json_out:
        emit_json(status.to_json() if status else {"status": "submitted"})


@pa_app.command("export-x12")
@guarded
def pa_export_x12(
    case: CaseOpt,
    dx: DxOpt = None,
    on: DateOpt = None,
    payer_id: PayerIdOpt = None,
    sender: Annotated[str, typer.Option("--sender", help="Your submitter id (ISA06/GS02).")] = "BACKCOVER",
    receiver: Annotated[str | None, typer.Option("--receiver", help="The payer's id (ISA08/GS03).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Write the case's prior-authorization request as an X12 005010X217 278."""
    from backcover.ehr._x12 import write_278

    day = date_option(on, "--date") or date.today()
    inp = _case_inputs(case, day, payer_id)
    text = write_278(
        control=inp.case_id,
        created=datetime.now(UTC),
        sender_id=sender,
        receiver_id=receiver or inp.coverage.payer_id,
        reference=inp.reference,
        patient=inp.patient,
        coverage=inp.coverage,
        requester=inp.requester,
        procedures=[inp.procedure],
        diagnoses=_diagnoses(dx),
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        from backcover.yamlio import atomic_write_text

        atomic_write_text(out, text)
        err_console.print(f"wrote {out}", highlight=False)


@pa_app.command("ingest")
@guarded
def pa_ingest(
    file: Annotated[Path, typer.Argument(help="The payer's ClaimResponse or PAS response Bundle (JSON).")],
    case: CaseOpt,
    on: Annotated[str | None, typer.Option("--date", help="When the answer came (default today).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the answer as JSON.")] = False,
) -> None:
    """Read the payer's ClaimResponse into the case's prior-authorization timeline."""
    from backcover.ehr._pas_response import ingest_claim_response

    if not file.is_file():
        raise BadInput("no such file", "check the path", str(file))
    try:
        doc = orjson.loads(file.read_bytes())
    except orjson.JSONDecodeError:
        raise BadInput("the file is not JSON", "give the ClaimResponse as FHIR JSON", str(file)) from None
    status = ingest_claim_response(doc, str(file))
    day = date_option(on, "--date") or date.today()
    pa_id = _record(case, status, day, "payer's ClaimResponse")
    if not json_out:
        _print_status(status)
    err_console.print(f"prior authorization {pa_id} on case {case}: {status.status}", highlight=False)
    if json_out:
        emit_json(status.to_json())
